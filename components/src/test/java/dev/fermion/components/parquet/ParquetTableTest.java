package dev.fermion.components.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.components.parquet.ParquetFixtures.Layout;
import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.dsl.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ParquetTableTest {
    private static final List<String> HEADER =
            List.of("id", "big", "ratio", "score", "name", "flag", "price", "day", "at");
    private static final List<String> TYPES =
            List.of("int", "long", "float", "double", "string", "boolean", "decimal(9,2)", "date", "timestamp");
    private static final List<List<String>> ROWS = List.of(
            row(
                    "1",
                    "9007199254740993",
                    "1.1",
                    "0.1",
                    "setosa",
                    "true",
                    "12.50",
                    "2024-02-29",
                    "2024-02-29T12:34:56.789012Z"),
            row(null, null, null, null, null, null, null, null, null),
            row("-7", "-1", "-0.5", "1.0E300", "", "false", "-0.01", "1969-12-31", "1969-12-31T23:59:59Z"),
            row(
                    "2147483647",
                    "0",
                    "3.4028235E38",
                    "-4.9E-324",
                    "virginica",
                    "true",
                    "0.00",
                    "1970-01-01",
                    "1970-01-01T00:00:00Z"),
            row("0", "42", "0.0", "NaN", "setosa", null, "1234567.89", null, null));

    @TempDir
    Path dir;

    @Test
    void schemaKeepsFileOrderAndTypesNumbersAsNumeric() {
        Path file = ParquetFixtures.write(dir.resolve("t.parquet"), HEADER, TYPES, ROWS);

        assertThat(ParquetTable.schema(file.toString()))
                .containsExactly(
                        new Column("id", ColumnType.NUMERIC),
                        new Column("big", ColumnType.NUMERIC),
                        new Column("ratio", ColumnType.NUMERIC),
                        new Column("score", ColumnType.NUMERIC),
                        new Column("name", ColumnType.CATEGORICAL),
                        new Column("flag", ColumnType.CATEGORICAL),
                        new Column("price", ColumnType.NUMERIC),
                        new Column("day", ColumnType.CATEGORICAL),
                        new Column("at", ColumnType.CATEGORICAL));
    }

    static Stream<Arguments> layouts() {
        List<Arguments> layouts = new ArrayList<>();
        for (CompressionCodecName codec : Decompressors.SUPPORTED) {
            for (WriterVersion version : WriterVersion.values()) {
                layouts.add(Arguments.of(new Layout(2, codec, true, version)));
                layouts.add(Arguments.of(new Layout(2, codec, false, version)));
            }
        }
        return layouts.stream();
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void readsEveryRowInOrderAcrossRowGroupsWhateverTheCodecAndEncoding(Layout layout) {
        Path file = ParquetFixtures.write(dir.resolve("t.parquet"), HEADER, TYPES, ROWS, layout);
        List<Long> numbers = new ArrayList<>();
        List<List<String>> values = new ArrayList<>();

        long count = ParquetTable.forEachRow(file.toString(), (row, v) -> {
            numbers.add(row);
            values.add(v);
        });

        assertThat(count).isEqualTo(5);
        assertThat(numbers).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(values).containsExactlyElementsOf(ROWS);
    }

    @Test
    void numbersRenderAsTextThatParsesBackToTheStoredValue() {
        Path file = ParquetFixtures.write(dir.resolve("t.parquet"), HEADER, TYPES, ROWS);
        List<List<String>> values = new ArrayList<>();
        ParquetTable.forEachRow(file.toString(), (row, v) -> values.add(v));

        List<String> first = values.get(0);
        assertThat(Integer.parseInt(first.get(0))).isEqualTo(1);
        assertThat(Long.parseLong(first.get(1))).isEqualTo(9_007_199_254_740_993L);
        assertThat(Float.parseFloat(first.get(2))).isEqualTo(1.1f);
        assertThat(Double.parseDouble(first.get(3))).isEqualTo(0.1);
        assertThat(Double.parseDouble(first.get(6))).isEqualTo(12.5);
        assertThat(Double.parseDouble(values.get(3).get(3))).isEqualTo(-Double.MIN_VALUE);
    }

    @Test
    void rowsAreUnmodifiable() {
        Path file = ParquetFixtures.write(dir.resolve("t.parquet"), HEADER, TYPES, ROWS);

        ParquetTable.forEachRow(
                file.toString(),
                (row, v) -> assertThatThrownBy(() -> v.set(0, "x")).isInstanceOf(UnsupportedOperationException.class));
    }

    @Test
    void readsManyRowsInSmallRowGroups() {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            rows.add(List.of(Integer.toString(i), "c" + i % 7, Double.toString(i / 8.0)));
        }
        Path file = ParquetFixtures.write(
                dir.resolve("many.parquet"),
                List.of("i", "c", "x"),
                List.of("int", "string", "double"),
                rows,
                new Layout(1_000, CompressionCodecName.SNAPPY, true, WriterVersion.PARQUET_1_0));
        long[] last = {0};

        long count = ParquetTable.forEachRow(file.toString(), (row, v) -> {
            assertThat(v.get(0)).isEqualTo(Long.toString(row - 1));
            last[0] = row;
        });

        assertThat(count).isEqualTo(20_000);
        assertThat(last[0]).isEqualTo(20_000);
    }

    @Test
    void aFileWithoutRowsHasASchemaAndNoRows() {
        Path file = ParquetFixtures.write(dir.resolve("empty.parquet"), List.of("a"), List.of("double"), List.of());

        assertThat(ParquetTable.schema(file.toString())).containsExactly(new Column("a", ColumnType.NUMERIC));
        assertThat(ParquetTable.forEachRow(file.toString(), (row, v) -> {
                    throw new AssertionError("no row expected");
                }))
                .isZero();
    }

    @Test
    void readsTimestampsUnsignedIntegersUuidsAndBinaryDecimals() {
        MessageType schema = MessageTypeParser.parseMessageType("""
                message row {
                  optional int96 spark_time;
                  optional int32 small (INTEGER(32,false));
                  optional int64 local_time (TIMESTAMP(MILLIS,false));
                  optional int64 clock (TIME(MICROS,true));
                  optional fixed_len_byte_array(16) key (UUID);
                  optional binary amount (DECIMAL(20,3));
                  optional binary legacy_text;
                  optional binary mood (ENUM);
                }
                """);
        UUID key = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        Group group = new SimpleGroup(schema);
        group.add("spark_time", int96(2_440_589, 3_600_000_000_000L));
        group.add("small", -1);
        group.add("local_time", 1_700_000_000_123L);
        group.add("clock", 45_296_000_001L);
        group.add(
                "key",
                Binary.fromConstantByteArray(ByteBuffer.allocate(16)
                        .putLong(key.getMostSignificantBits())
                        .putLong(key.getLeastSignificantBits())
                        .array()));
        group.add(
                "amount",
                Binary.fromConstantByteArray(new java.math.BigInteger("-123456789012345678901").toByteArray()));
        group.add("legacy_text", Binary.fromString("ü"));
        group.add("mood", Binary.fromString("HAPPY"));
        Path file = ParquetFixtures.write(dir.resolve("types.parquet"), schema, List.of(group), Layout.DEFAULT);
        List<List<String>> values = new ArrayList<>();

        ParquetTable.forEachRow(file.toString(), (row, v) -> values.add(v));

        assertThat(values)
                .containsExactly(List.of(
                        "1970-01-02T01:00:00Z",
                        "4294967295",
                        "2023-11-14T22:13:20.123",
                        "12:34:56.000001",
                        key.toString(),
                        "-123456789012345678.901",
                        "ü",
                        "HAPPY"));
        assertThat(ParquetTable.schema(file.toString()))
                .extracting(Column::type)
                .containsExactly(
                        ColumnType.CATEGORICAL,
                        ColumnType.NUMERIC,
                        ColumnType.CATEGORICAL,
                        ColumnType.CATEGORICAL,
                        ColumnType.CATEGORICAL,
                        ColumnType.NUMERIC,
                        ColumnType.CATEGORICAL,
                        ColumnType.CATEGORICAL);
    }

    @Test
    void nestedColumnsAreRejectedByName() {
        MessageType schema = MessageTypeParser.parseMessageType("""
                message row {
                  optional int32 id;
                  optional group address { optional binary city (STRING); }
                }
                """);
        Path file = ParquetFixtures.write(dir.resolve("nested.parquet"), schema, List.of(), Layout.DEFAULT);

        assertThatThrownBy(() -> ParquetTable.schema(file.toString()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("column 'address' is a group of nested columns")
                .hasMessageContaining("top-level columns");
    }

    @Test
    void listsAndRepeatedColumnsAreRejectedByName() {
        MessageType list = MessageTypeParser.parseMessageType("""
                message row {
                  optional group scores (LIST) { repeated group list { optional double element; } }
                }
                """);
        MessageType repeated = MessageTypeParser.parseMessageType("message row { repeated int32 tags; }");
        Path lists = ParquetFixtures.write(dir.resolve("list.parquet"), list, List.of(), Layout.DEFAULT);
        Path tags = ParquetFixtures.write(dir.resolve("tags.parquet"), repeated, List.of(), Layout.DEFAULT);

        assertThatThrownBy(() -> ParquetTable.forEachRow(lists.toString(), (row, v) -> {}))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("column 'scores' is a list");
        assertThatThrownBy(() -> ParquetTable.schema(tags.toString()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(tags.toString())
                .hasMessageContaining("column 'tags' is repeated");
    }

    @Test
    void columnsThatAreNeitherNumbersNorCategoriesAreRejectedByName() {
        MessageType schema = MessageTypeParser.parseMessageType(
                "message row { optional fixed_len_byte_array(12) span (INTERVAL); }");
        Path file = ParquetFixtures.write(dir.resolve("interval.parquet"), schema, List.of(), Layout.DEFAULT);

        assertThatThrownBy(() -> ParquetTable.schema(file.toString()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("column 'span' holds FIXED_LEN_BYTE_ARRAY INTERVAL");
    }

    @Test
    void unsupportedCodecsAreRejectedBeforeAnyRowIsRead() {
        Path file = ParquetFixtures.write(
                dir.resolve("brotli.parquet"),
                List.of("a"),
                List.of("int"),
                List.of(row("1")),
                new Layout(10, CompressionCodecName.BROTLI, true, WriterVersion.PARQUET_1_0));

        assertThatThrownBy(() -> ParquetTable.schema(file.toString()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("column 'a' is compressed with BROTLI")
                .hasMessageContaining("rewrite the file with one of");
    }

    @Test
    void aFileThatIsNotParquetIsReportedByName() throws IOException {
        Path csv = Files.writeString(dir.resolve("data.parquet"), "a,b\n1,2\n3,4\n");
        Path empty = Files.writeString(dir.resolve("empty.parquet"), "");

        assertThatThrownBy(() -> ParquetTable.schema(csv.toString()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(csv + " is not a readable Parquet file");
        assertThatThrownBy(() -> ParquetTable.forEachRow(empty.toString(), (row, v) -> {}))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(empty + " is not a readable Parquet");
    }

    @Test
    void aTruncatedFileIsReportedByName() throws IOException {
        Path file = ParquetFixtures.write(dir.resolve("t.parquet"), HEADER, TYPES, ROWS);
        byte[] bytes = Files.readAllBytes(file);
        Path cut = Files.write(dir.resolve("cut.parquet"), Arrays.copyOf(bytes, bytes.length / 2));

        assertThatThrownBy(() -> ParquetTable.schema(cut.toString()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(cut + " is not a readable Parquet file");
    }

    @Test
    void corruptPagesAreReportedWithTheFileAndRow() throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(row("row number " + i + " with some text to compress"));
        }
        Path file = ParquetFixtures.write(
                dir.resolve("t.parquet"),
                List.of("s"),
                List.of("string"),
                rows,
                new Layout(1_000, CompressionCodecName.SNAPPY, false, WriterVersion.PARQUET_1_0));
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 40; i < 80; i++) {
            bytes[i] = (byte) 0xFF;
        }
        Path corrupt = Files.write(dir.resolve("corrupt.parquet"), bytes);

        assertThatThrownBy(() -> ParquetTable.forEachRow(corrupt.toString(), (row, v) -> {}))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(corrupt + ", row 1: cannot decode");
    }

    @Test
    void aMissingFileIsReportedByName() {
        String missing = dir.resolve("missing.parquet").toString();

        assertThatThrownBy(() -> ParquetTable.schema(missing))
                .isInstanceOf(BadInputException.class)
                .hasMessage("Parquet file " + missing + " does not exist: check the path");
    }

    @Test
    void exceptionsFromTheConsumerPassThroughUnchanged() {
        Path file = ParquetFixtures.write(dir.resolve("t.parquet"), HEADER, TYPES, ROWS);
        IllegalStateException stop = new IllegalStateException("stop");

        assertThatThrownBy(() -> ParquetTable.forEachRow(file.toString(), (row, v) -> {
                    throw stop;
                }))
                .isSameAs(stop);
    }

    private static List<String> row(String... values) {
        return Arrays.asList(values);
    }

    private static Binary int96(int julianDay, long nanosOfDay) {
        return Binary.fromConstantByteArray(ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(nanosOfDay)
                .putInt(julianDay)
                .array());
    }
}
