package dev.fermion.components.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
    @Test
    void parsesQuotedFieldsWithCommasAndDoubledQuotes() {
        assertThat(Csv.parse("a, \"b,c\" ,\"say \"\"hi\"\"\",")).containsExactly("a", "b,c", "say \"hi\"", "");
    }

    @Test
    void formatThenParseRoundTrips() {
        List<String> fields = List.of("plain", "with,comma", "with \"quote\"", " padded ", "");
        assertThat(Csv.parse(Csv.format(fields))).isEqualTo(fields);
    }

    @Test
    void reportsMalformedQuoting() {
        assertThatThrownBy(() -> Csv.parse("a,\"open")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> Csv.parse("a,\"x\"y")).hasMessageContaining("after closing quote");
        assertThatThrownBy(() -> Csv.parse("a,b\"c")).hasMessageContaining("unexpected quote at character 4");
    }
}
