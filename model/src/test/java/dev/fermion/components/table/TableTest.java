package dev.fermion.components.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.dsl.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                .satisfies(e -> assertThat(e.getMessage().chars().filter(Character::isISOControl))
                        .isEmpty());
    }

    /** A missing input cannot heal by retrying: it fails as bad input, naming what is missing. */
    @Test
    void aMissingDataSetIsBadInput() {
        assertThatThrownBy(() -> Table.readDataset(tmp.resolve("nowhere")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Data set " + tmp.resolve("nowhere") + " does not exist");
        assertThatThrownBy(() -> Table.read(tmp.resolve("nothing.csv"), Optional.empty()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("nothing.csv does not exist");
    }

    /** A row that is not CSV, or has the wrong number of fields, is bad input naming the file and line. */
    @Test
    void malformedLinesAreBadInputNamingFileAndLine() throws Exception {
        Path file = tmp.resolve("data.csv");
        Files.writeString(file, "a,b\n1,2\n3,\"4\n");
        assertThatThrownBy(() -> Table.read(file, Optional.empty()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(file + ", line 3: unterminated quoted field")
                .hasMessageContaining("run it through PrepareCsv");
        Files.writeString(file, "a,b\n1,2\n3\n");
        assertThatThrownBy(() -> Table.read(file, Optional.empty()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(file + ", line 3: 1 fields but the header has 2");
        Files.writeString(file, "a,b\n1,2\n\n");
        assertThatThrownBy(() -> Table.read(file, Optional.empty()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(file + ", line 3 is empty");
        Files.writeString(file, "a,\"b\n1,2\n");
        assertThatThrownBy(() -> Table.read(file, Optional.empty()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(file + ", line 1 (the header): unterminated quoted field");
        Files.writeString(file, "");
        assertThatThrownBy(() -> Table.read(file, Optional.empty()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(file + " is empty");
        Files.write(file, "a,b\n1,caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Table.read(file, Optional.empty()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(file + " holds bytes that are not UTF-8 text");
        Files.writeString(file, "a,b\n1,2\n");
        assertThatThrownBy(() -> Table.read(file, Optional.empty()).index("c"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(file + " has no column 'c'");
    }

    /** A schema file that is not JSON is bad input, naming the file and where the JSON breaks. */
    @Test
    void aMalformedSchemaIsBadInput() throws Exception {
        Files.writeString(tmp.resolve(TableSchema.FILE), "{\"columns\": [\n  {\"name\": \"a\",\n}");
        assertThatThrownBy(() -> TableSchema.read(tmp))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(tmp.resolve(TableSchema.FILE) + " is not a valid data set schema at line 3")
                .hasMessageContaining("write it again");
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
        assertThat(Printable.decode(new byte[] {'a', (byte) 0xc3, (byte) 0xa9, (byte) 0xff}, 4))
                .isEqualTo("a\u00e9\\xff");
        assertThat(Printable.binaryKind("plain,text\n1,2\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), 15))
                .isEmpty();
        assertThat(Printable.binaryKind(new byte[] {0x1f, (byte) 0x8b, 8, 0}, 4))
                .hasValueSatisfying(kind -> assertThat(kind).contains("gzip"));
    }
}
