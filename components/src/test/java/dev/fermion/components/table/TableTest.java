package dev.fermion.components.table;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableTest {
    @TempDir
    Path tmp;

    /** A model's data set that is a Parquet file named .csv: named for what it is, none of its bytes shown. */
    @Test
    void aBinaryDataFileIsNamedAsSuch() throws Exception {
        Path file = tmp.resolve("data.csv");
        Files.write(file, new byte[] {'P', 'A', 'R', '1', 0, 0, 0, 0x15, 0x04, '\n', 0x1b, '[', '2', 'J'});
        assertThatThrownBy(() -> Table.read(file, Optional.empty()))
                .hasMessageContaining(file + " looks like a binary file, not CSV text: it starts like a Parquet file")
                .satisfies(e -> assertThat(e.getMessage().chars().filter(Character::isISOControl)).isEmpty());
    }

    /** A missing input cannot heal by retrying: it fails as bad input, naming what is missing. */
    @Test
    void aMissingDataSetIsBadInput() {
        assertThatThrownBy(() -> Table.readDataset(tmp.resolve("nowhere")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Data set " + tmp.resolve("nowhere") + " does not exist");
        assertThatThrownBy(() -> Table.read(tmp.resolve("nothing.csv"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nothing.csv does not exist");
    }

    @Test
    void namesColumnsEscaped() throws Exception {
        Path file = tmp.resolve("data.csv");
        Files.writeString(file, "a\u001b[2Jb,c\n1,2\n");
        assertThatThrownBy(() -> Table.read(file, Optional.empty()).index("x"))
                .hasMessageContaining("its columns are [a\\u001b[2Jb, c]");
    }

    @Test
    void escapesControlCharactersAndCutsLongText() {
        assertThat(Printable.of("tab\there\r\n")).isEqualTo("tab\\there\\r\\n");
        assertThat(Printable.of("x".repeat(100))).isEqualTo("x".repeat(80) + "\u2026 (20 more characters)");
        assertThat(Printable.decode(new byte[] {'a', (byte) 0xc3, (byte) 0xa9, (byte) 0xff}, 4)).isEqualTo("a\u00e9\\xff");
        assertThat(Printable.binaryKind("plain,text\n1,2\n".getBytes(), 15)).isEmpty();
        assertThat(Printable.binaryKind(new byte[] {0x1f, (byte) 0x8b, 8, 0}, 4)).hasValueSatisfying(kind ->
                assertThat(kind).contains("gzip"));
    }
}
