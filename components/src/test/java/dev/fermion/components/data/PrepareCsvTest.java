package dev.fermion.components.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fermion.components.BadInput;
import dev.fermion.components.Digests;
import dev.fermion.components.TestContext;
import dev.fermion.components.parquet.ParquetFixtures;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.Table;
import dev.fermion.components.table.TableSchema;
import dev.fermion.dsl.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareCsvTest {
    static final String IRIS = "../examples/data/iris.csv";
    /** Unit tests keep the DirectRunner's checks on, so a DoFn that mutates its input fails here. */
    static final List<String> STRICT = List.of("--enforceImmutability=true", "--enforceEncodability=true");

    @TempDir
    Path tmp;

    private TestContext prepare(String source, String label) {
        return new TestContext(tmp, "prepare")
                .with(PrepareCsv.SOURCE, source)
                .with(PrepareCsv.LABEL, label)
                .with(PrepareCsv.BEAM_OPTIONS, STRICT);
    }

    @Test
    void stratifiedSplitKeepsClassProportionsExactly() throws Exception {
        TestContext ctx =
                prepare(IRIS, "species").with(PrepareCsv.STRATIFY, true).run(new PrepareCsv());

        assertThat(ctx.value(PrepareCsv.ROWS)).isEqualTo(150L);
        assertThat(ctx.value(PrepareCsv.REJECTED_ROWS)).isZero();
        assertThat(ctx.value(PrepareCsv.TRAIN_ROWS)).isEqualTo(105L);
        assertThat(ctx.value(PrepareCsv.VALIDATION_ROWS)).isEqualTo(24L);
        assertThat(ctx.value(PrepareCsv.TEST_ROWS)).isEqualTo(21L);
        Path out = tmp.resolve("prepare");
        Table train = Table.readDataset(out.resolve("train"));
        Table test = Table.readDataset(out.resolve("test"));
        assertThat(labelCounts(train))
                .containsOnly(Map.entry("setosa", 35L), Map.entry("versicolor", 35L), Map.entry("virginica", 35L));
        assertThat(labelCounts(test))
                .containsOnly(Map.entry("setosa", 7L), Map.entry("versicolor", 7L), Map.entry("virginica", 7L));
        Set<String> ids = new HashSet<>();
        for (String split : List.of("train", "validation", "test")) {
            Table.readDataset(out.resolve(split))
                    .rows()
                    .forEach(r -> assertThat(ids.add(r.values().get(0))).isTrue());
        }
        assertThat(ids).hasSize(150);

        TableSchema schema = TableSchema.read(out.resolve("train")).orElseThrow();
        assertThat(schema.id()).isEqualTo(PrepareCsv.GENERATED_ID);
        assertThat(schema.require("sepal_length").type()).isEqualTo(ColumnType.NUMERIC);
        assertThat(schema.require("species").type()).isEqualTo(ColumnType.CATEGORICAL);
        Table features = Table.read(out.resolve("train").resolve("features.csv"), java.util.Optional.empty());
        assertThat(features.header())
                .containsExactly("row_id", "sepal_length", "sepal_width", "petal_length", "petal_width", "species");
        // Standardised on the training split: each feature column has mean 0 and unit variance there.
        for (int c = 1; c <= 4; c++) {
            int column = c;
            double mean = features.rows().stream()
                    .mapToDouble(r -> Double.parseDouble(r.values().get(column)))
                    .average()
                    .orElseThrow();
            assertThat(mean).isCloseTo(0, within(1e-5));
        }
        assertThat(ctx.metrics("sepal_length.mean"))
                .singleElement()
                .satisfies(m -> assertThat(m.value()).isCloseTo(5.8433, within(1e-3)));
    }

    /** The source read is reported for tracking: name, where, the same digest as the cache key's, schema and size. */
    @Test
    void reportsTheSourceItReadWithItsDigestSchemaAndRows() throws Exception {
        TestContext ctx = prepare(IRIS, "species").run(new PrepareCsv());

        assertThat(ctx.sources()).singleElement().satisfies(source -> {
            assertThat(source.name()).isEqualTo("iris.csv");
            assertThat(source.source()).isEqualTo(IRIS);
            assertThat(source.digest())
                    .isEqualTo(new PrepareCsv().digestSources(ctx).orElseThrow());
            assertThat(source.columns())
                    .containsExactly(
                            Map.entry("sepal_length", "double"),
                            Map.entry("sepal_width", "double"),
                            Map.entry("petal_length", "double"),
                            Map.entry("petal_width", "double"),
                            Map.entry("species", "string"));
            assertThat(source.rows()).isEqualTo(150);
        });
    }

    @Test
    void rejectsBadRowsWithFileLineColumnAndReason() throws Exception {
        Path source = tmp.resolve("bad.csv");
        Files.writeString(
                source,
                String.join(
                                "\n",
                                "key,x,colour,y",
                                "k1,1.0,red,3.5",
                                "k2,abc,blue,2.0",
                                "k3,2.0,green",
                                "k4,150,red,1.0",
                                "k5,3.0,blue,",
                                "k6,\"unterminated,red,1.0",
                                "k7,NA,red,4.0",
                                "k8,4.0,,5.0",
                                "k9,5.0,blue,6.0",
                                "k9,6.0,red,7.0",
                                "")
                        + "\n");
        TestContext ctx = prepare(source.toString(), "y")
                .with(PrepareCsv.ID_COLUMN, "key")
                .with(PrepareCsv.STAGING, tmp.resolve("shared").toString())
                .with(PrepareCsv.RANGES, Map.of("x", "0..100"))
                .with(PrepareCsv.SCHEMA, Map.of("x", "numeric"))
                .with(PrepareCsv.MAX_REJECTED_SHARE, 1.0)
                .with(PrepareCsv.TRAIN_RATIO, 1.0)
                .with(PrepareCsv.VALIDATION_RATIO, 0.0)
                .with(PrepareCsv.TEST_RATIO, 0.0)
                .run(new PrepareCsv());

        assertThat(ctx.value(PrepareCsv.REJECTED_ROWS)).isEqualTo(8L);
        try (var staged = Files.walk(tmp.resolve("shared"))) {
            assertThat(staged.filter(Files::isRegularFile)).isEmpty();
        }
        assertThat(ctx.value(PrepareCsv.ROWS)).isEqualTo(3L);
        assertThat(ctx.value(PrepareCsv.TEST_ROWS)).isZero();
        Table rejects = Table.readDataset(tmp.resolve("prepare/rejects"));
        assertThat(rejects.header()).containsExactly("file", "line", "column", "reason", "row");
        Map<String, List<String>> byLine =
                rejects.rows().stream().collect(Collectors.toMap(r -> r.values().get(1), Table.Row::values));
        assertThat(byLine.keySet()).containsExactlyInAnyOrder("3", "4", "5", "6", "7", "10", "11", "12");
        assertThat(byLine.get("3").get(0)).endsWith("bad.csv");
        assertThat(byLine.get("3").get(2)).isEqualTo("x");
        assertThat(byLine.get("3").get(3)).contains("'abc' is not a number");
        assertThat(byLine.get("4").get(3)).contains("3 fields but the header has 4");
        assertThat(byLine.get("5").get(3)).contains("outside [0.0, 100.0]");
        assertThat(byLine.get("6").get(2)).isEqualTo("y");
        assertThat(byLine.get("6").get(3)).contains("required column 'y' is missing");
        assertThat(byLine.get("7").get(3)).contains("malformed CSV");
        assertThat(byLine.get("10").get(2)).isEqualTo("key");
        assertThat(byLine.get("11").get(3)).isEqualTo("id 'k9' occurs 2 times (lines 10, 11); ids must be unique");
        assertThat(byLine.get("12").get(3)).isEqualTo("empty line");
        assertThat(Table.readDataset(tmp.resolve("prepare/train")).rows())
                .extracting(r -> r.values().get(0))
                .containsExactlyInAnyOrder("k1", "k7", "k8");

        // Missing feature values are kept and imputed with the training mean: x mean of 1, 4 is 2.5.
        Preprocessing preprocessing = Preprocessing.read(tmp.resolve("prepare/preprocessing"));
        assertThat(preprocessing.features().get(0).fill()).isCloseTo(2.5, within(1e-9));
        assertThat(preprocessing.featureNames()).containsExactly("x", "colour=red");
        assertThat(ctx.metrics("x.missing"))
                .singleElement()
                .satisfies(m -> assertThat(m.value()).isEqualTo(1.0));
    }

    /** The same iris rows as Parquet, plus a null, a line break and an out-of-range value, in two row groups. */
    @Test
    void readsParquetWithItsTypesRowNumbersAndNulls() throws Exception {
        List<List<String>> rows =
                new java.util.ArrayList<>(Table.read(Path.of(IRIS), java.util.Optional.empty()).rows().stream()
                        .map(Table.Row::values)
                        .toList());
        rows.add(java.util.Arrays.asList("5.0", null, "1.5", "0.2", "setosa"));
        rows.add(List.of("5.0", "3.1", "1.5", "0.2", "set\nosa"));
        rows.add(List.of("50", "3.1", "1.5", "0.2", "setosa"));
        Path source = ParquetFixtures.write(
                tmp.resolve("iris.parquet"),
                List.of("sepal_length", "sepal_width", "petal_length", "petal_width", "species"),
                List.of("double", "float", "double", "double", "string"),
                rows,
                new ParquetFixtures.Layout(
                        100, CompressionCodecName.SNAPPY, true, ParquetProperties.WriterVersion.PARQUET_1_0));

        TestContext ctx = new TestContext(tmp, "prepare")
                .with(PrepareCsv.SOURCE, source.toString())
                .with(PrepareCsv.LABEL, "species")
                .with(PrepareCsv.RANGES, Map.of("sepal_length", "0..10"))
                .with(PrepareCsv.MISSING_VALUES, List.of("NA"))
                .with(PrepareCsv.BEAM_OPTIONS, STRICT)
                .run(new PrepareCsv());

        assertThat(ctx.value(PrepareCsv.ROWS)).isEqualTo(151L);
        Table rejects = Table.readDataset(tmp.resolve("prepare/rejects"));
        assertThat(rejects.rows())
                .extracting(r -> r.values().get(1), r -> r.values().get(2))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("152", "species"),
                        org.assertj.core.groups.Tuple.tuple("153", "sepal_length"));
        assertThat(rejects.rows().get(0).values().get(3)).contains("line break");
        TableSchema schema = TableSchema.read(tmp.resolve("prepare/train")).orElseThrow();
        assertThat(schema.require("sepal_width").type()).isEqualTo(ColumnType.NUMERIC);
        assertThat(schema.require("species").type()).isEqualTo(ColumnType.CATEGORICAL);
        // A null is missing even though 'missing-values' does not list the empty text: imputed, not rejected.
        assertThat(ctx.metrics("sepal_width.missing"))
                .singleElement()
                .satisfies(m -> assertThat(m.value()).isEqualTo(1.0));
        assertThat(ctx.metrics("sepal_length.mean"))
                .singleElement()
                .satisfies(m -> assertThat(m.value()).isCloseTo((5.8433 * 150 + 5.0) / 151, within(1e-3)));
    }

    @Test
    void aSourceMixingFormatsOrMislabelledIsAClearError() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mixed"));
        Files.copy(Path.of(IRIS), dir.resolve("a.csv"));
        ParquetFixtures.write(
                dir.resolve("b.parquet"),
                List.of("sepal_length", "species"),
                List.of("double", "string"),
                List.of(List.of("5.0", "setosa")));
        assertThatThrownBy(() -> prepare(dir + "/*", "species").run(new PrepareCsv()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("a.csv (CSV)")
                .hasMessageContaining("b.parquet (PARQUET)")
                .hasMessageContaining("set 'format'");
        assertThatThrownBy(() -> prepare(IRIS, "species")
                        .with(PrepareCsv.FORMAT, SourceFormat.PARQUET)
                        .run(new PrepareCsv()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("iris.csv is not a readable Parquet file");
    }

    /**
     * The same source prepared with one worker or many, cut into several files that the runner processes in
     * any order, gives byte-identical outputs: statistics merged from partial results in another order must
     * not change a digit, or every cache key after this step changes from one run to the next.
     */
    @Test
    void outputsAreByteIdenticalWhateverTheParallelism() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(IRIS));
        Path dir = Files.createDirectories(tmp.resolve("parts"));
        for (int part = 0; part < 6; part++) {
            List<String> rows = new java.util.ArrayList<>(List.of(lines.get(0)));
            for (int i = 1 + part; i < lines.size(); i += 6) {
                // Missing values and more decimals than the source has, so sums round at every step.
                rows.add(
                        i % 11 == 0
                                ? lines.get(i).replaceFirst("^[^,]*", "NA")
                                : lines.get(i).replaceFirst("^([^,]*)", "$1" + (i % 7) + "3"));
            }
            Files.write(dir.resolve("iris-" + part + ".csv"), rows);
        }
        Map<String, String> first = null;
        for (int parallelism : List.of(1, 3, 8, 1, 8)) {
            Path root = tmp.resolve("p" + parallelism + "-" + (first == null));
            new TestContext(root, "prepare")
                    .with(PrepareCsv.SOURCE, dir + "/*.csv")
                    .with(PrepareCsv.LABEL, "species")
                    .with(PrepareCsv.IMPUTE, dev.fermion.components.preprocess.ImputeStrategy.MEDIAN)
                    .with(PrepareCsv.BEAM_OPTIONS, List.of("--targetParallelism=" + parallelism))
                    .run(new PrepareCsv());
            Map<String, String> digests = Digests.of(root.resolve("prepare"));
            digests.keySet().removeIf(file -> file.startsWith(".work"));
            if (first == null) {
                first = digests;
                assertThat(first)
                        .containsKeys(
                                "preprocessing/statistics.json",
                                "preprocessing/train-statistics.json",
                                "train/features.csv",
                                "rejects/rejects.csv");
            } else {
                assertThat(digests)
                        .as("outputs with targetParallelism=%d", parallelism)
                        .isEqualTo(first);
            }
        }
    }

    /** Iris with a bad value in three numeric columns: a word, an 'inf' and an infinity. */
    private Path irisWithBadValues() throws Exception {
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(Path.of(IRIS)));
        lines.set(10, lines.get(10).replaceFirst("^[^,]*", "abc"));
        lines.set(20, lines.get(20).replaceFirst("[^,]*,([^,]*)$", "inf,$1"));
        lines.set(30, lines.get(30).replaceFirst("^([^,]*,[^,]*),[^,]*", "$1,Infinity"));
        Path source = tmp.resolve("iris-bad.csv");
        Files.write(source, lines);
        return source;
    }

    private static com.fasterxml.jackson.databind.JsonNode report(Path step) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(step.resolve("preprocessing/report.json").toFile());
    }

    /**
     * One bad cell must not turn a numeric column categorical (iris' accuracy fell from 0.95 to 0.62 that
     * way, with nothing rejected and no warning): the column stays numeric, the row is rejected and counted,
     * and the report says what was decided and why rows were rejected.
     */
    @Test
    void aFewBadValuesAreRejectedInsteadOfMakingTheColumnCategorical() throws Exception {
        TestContext ctx = prepare(irisWithBadValues().toString(), "species").run(new PrepareCsv());

        TableSchema schema = TableSchema.read(tmp.resolve("prepare/train")).orElseThrow();
        assertThat(schema.columns())
                .filteredOn(c -> !c.name().equals("row_id") && !c.name().equals("species"))
                .allSatisfy(c -> assertThat(c.type()).as(c.name()).isEqualTo(ColumnType.NUMERIC));
        assertThat(ctx.value(PrepareCsv.REJECTED_ROWS)).isEqualTo(3L);
        assertThat(ctx.value(PrepareCsv.ROWS)).isEqualTo(147L);
        assertThat(Table.readDataset(tmp.resolve("prepare/rejects")).rows())
                .extracting(r -> r.values().get(1), r -> r.values().get(2))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("11", "sepal_length"),
                        org.assertj.core.groups.Tuple.tuple("21", "petal_width"),
                        org.assertj.core.groups.Tuple.tuple("31", "petal_length"));

        var report = report(tmp.resolve("prepare"));
        assertThat(report.get("rows").asLong()).isEqualTo(150);
        assertThat(report.get("rejected").asLong()).isEqualTo(3);
        var sepal = report.get("columns").get(1);
        assertThat(sepal.get("name").asText()).isEqualTo("sepal_length");
        assertThat(sepal.get("type").asText()).isEqualTo("NUMERIC");
        assertThat(sepal.get("basis").asText()).isEqualTo("inferred");
        assertThat(sepal.get("sampled").asLong()).isEqualTo(150);
        assertThat(sepal.get("numbers").asLong()).isEqualTo(149);
        assertThat(sepal.get("notNumbers").get(0).get("value").asText()).isEqualTo("abc");
        assertThat(sepal.get("notNumbers").get(0).get("line").asLong()).isEqualTo(11);
        assertThat(report.get("rejections"))
                .extracting(r -> r.get("column").asText() + " "
                        + r.get("reason").asText() + " " + r.get("rows").asLong() + " " + r.get("lines"))
                .containsExactly(
                        "petal_length NOT_FINITE 1 [\"iris-bad.csv:31\"]",
                        "petal_width NOT_A_NUMBER 1 [\"iris-bad.csv:21\"]",
                        "sepal_length NOT_A_NUMBER 1 [\"iris-bad.csv:11\"]");
        assertThat(ctx.logs())
                .anySatisfy(line -> assertThat(line)
                        .contains("sepal_length")
                        .contains("'abc'")
                        .contains("line 11"));
    }

    /** A column that is mostly words stays categorical, even when some of its values are numbers. */
    @Test
    void aColumnOfMostlyWordsIsCategorical() throws Exception {
        Path source = tmp.resolve("sizes.csv");
        StringBuilder csv = new StringBuilder("size,x,label\n");
        for (int i = 0; i < 60; i++) {
            csv.append(List.of("S", "M", "L", "42").get(i % 4))
                    .append(',')
                    .append(i)
                    .append(',')
                    .append(i % 2)
                    .append('\n');
        }
        Files.writeString(source, csv);
        TestContext ctx = prepare(source.toString(), "label").run(new PrepareCsv());

        assertThat(TableSchema.read(tmp.resolve("prepare/train"))
                        .orElseThrow()
                        .require("size")
                        .type())
                .isEqualTo(ColumnType.CATEGORICAL);
        assertThat(ctx.value(PrepareCsv.REJECTED_ROWS)).isZero();
        assertThat(report(tmp.resolve("prepare"))
                        .get("columns")
                        .get(1)
                        .get("numbers")
                        .asLong())
                .isEqualTo(15);
    }

    /**
     * More rejected rows than 'max-rejected-share' allows fail the step, naming the column, the reason,
     * example lines and the fixes; a higher share lets the same source through.
     */
    @Test
    void tooManyRejectedRowsFailTheStepNamingColumnLinesAndFix() throws Exception {
        Path source = tmp.resolve("placeholders.csv");
        StringBuilder csv = new StringBuilder("x,label\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i % 4 == 0 ? "none" : Integer.toString(i))
                    .append(',')
                    .append(i % 2)
                    .append('\n');
        }
        Files.writeString(source, csv);
        assertThatThrownBy(() -> prepare(source.toString(), "label")
                        .with(PrepareCsv.SCHEMA, Map.of("x", "numeric"))
                        .run(new PrepareCsv()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("rejected 10 of 40 rows (25.0%) of '" + source + "'")
                .hasMessageContaining("'max-rejected-share' (0.05)")
                .hasMessageContaining("column 'x': 10 rows, not a number (placeholders.csv:2, placeholders.csv:6, "
                        + "placeholders.csv:10, placeholders.csv:14, placeholders.csv:18, ...)")
                .hasMessageContaining("'missing-values'")
                .hasMessageContaining("raise 'max-rejected-share'");

        TestContext ctx = new TestContext(tmp, "tolerant")
                .with(PrepareCsv.SOURCE, source.toString())
                .with(PrepareCsv.LABEL, "label")
                .with(PrepareCsv.SCHEMA, Map.of("x", "numeric"))
                .with(PrepareCsv.MAX_REJECTED_SHARE, 0.3)
                .run(new PrepareCsv());
        assertThat(ctx.value(PrepareCsv.REJECTED_ROWS)).isEqualTo(10L);
        assertThat(report(tmp.resolve("tolerant"))
                        .get("columns")
                        .get(1)
                        .get("basis")
                        .asText())
                .isEqualTo("declared");
    }

    /** A compressed file given as CSV: the error says so, and shows none of its bytes raw. */
    @Test
    void aBinaryFileIsNamedAsSuchWithoutPrintingItsBytes() throws Exception {
        Path gzip = tmp.resolve("iris.csv");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gzip))) {
            out.write(Files.readAllBytes(Path.of(IRIS)));
        }
        assertThatThrownBy(() -> prepare(gzip.toString(), "species").run(new PrepareCsv()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(gzip + " looks like a binary file")
                .hasMessageContaining("gzip")
                .satisfies(e -> assertPrintable(e.getMessage()));

        Path random = tmp.resolve("random.csv");
        byte[] bytes = new byte[4096];
        new java.util.Random(1).nextBytes(bytes);
        Files.write(random, bytes);
        assertThatThrownBy(() -> prepare(random.toString(), "species").run(new PrepareCsv()))
                .hasMessageContaining("looks like a binary file")
                .satisfies(e -> assertPrintable(e.getMessage()));
    }

    /** A header with control characters and very long names: shown escaped, and cut short. */
    @Test
    void aHeaderWithControlCharactersIsShownEscaped() throws Exception {
        Path source = tmp.resolve("odd.csv");
        Files.writeString(source, "a\u001b[31m,b\u0007b,c" + "x".repeat(5000) + ",d\u202e\n1,2,3,4\n");
        assertThatThrownBy(() -> prepare(source.toString(), "species").run(new PrepareCsv()))
                .hasMessageContaining("'label' names column 'species'")
                .hasMessageContaining("a\\u001b[31m")
                .hasMessageContaining("b\\u0007b")
                .hasMessageContaining("d\\u202e")
                .hasMessageContaining("more characters")
                .satisfies(e -> assertPrintable(e.getMessage()))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1000));
    }

    /** A header that is not UTF-8 (a Latin-1 export, say) fails at once, showing the bytes that are not. */
    @Test
    void aHeaderThatIsNotUtf8IsAClearError() throws Exception {
        Path source = tmp.resolve("latin1.csv");
        Files.write(source, "caf\u00e9,species\n1,a\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> prepare(source.toString(), "species").run(new PrepareCsv()))
                .hasMessageContaining("header line of source file " + source + " is not UTF-8 text: caf\\xe9,species")
                .hasMessageContaining("save the file as UTF-8")
                .satisfies(e -> assertPrintable(e.getMessage()));
    }

    /** Nothing a terminal would act on or cannot show: no control or reordering character, no undecodable byte. */
    static void assertPrintable(String message) {
        assertThat(message.chars()
                        .filter(c -> Character.isISOControl(c)
                                || c == 0xFFFD
                                || (c >= 0x202a && c <= 0x202e)
                                || (c >= 0x2066 && c <= 0x2069)))
                .isEmpty();
    }

    @Test
    void failsClearlyOnAnUnknownLabel() {
        assertThatThrownBy(() -> prepare(IRIS, "kind").run(new PrepareCsv()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Input 'label' names column 'kind', which "
                        + Path.of(IRIS).toAbsolutePath().normalize() + " does not have")
                .hasMessageContaining("sepal_length");
    }

    /** A path or glob that matches nothing cannot heal by retrying: bad input, naming the source. */
    @Test
    void aSourceThatMatchesNoFileIsBadInput() throws Exception {
        String missing = tmp.resolve("nowhere.csv").toString();
        assertThat(BadInput.thrownBy(() -> prepare(missing, "species").run(new PrepareCsv())))
                .hasMessageContaining("Source '" + missing + "' matches no file")
                .hasMessageContaining("check the path");
        Files.createDirectories(tmp.resolve("empty"));
        String glob = tmp.resolve("empty") + "/*.csv";
        assertThat(BadInput.thrownBy(() -> prepare(glob, "species").run(new PrepareCsv())))
                .hasMessageContaining("Source '" + glob + "' matches no file");
    }

    /** Inputs that no data could make work fail before the pipeline starts, naming the input and the fix. */
    @Test
    void inputsThatCannotWorkAreBadInputNamingTheInput() {
        assertThat(BadInput.thrownBy(() -> prepare(IRIS, "species")
                        .with(PrepareCsv.RANGES, Map.of("species", "0..1"))
                        .run(new PrepareCsv())))
                .hasMessageContaining("Input 'ranges' gives a range for column 'species', which is categorical");
        assertThat(BadInput.thrownBy(() -> prepare(IRIS, "species")
                        .with(PrepareCsv.RANGES, Map.of("sepal_length", "1-5"))
                        .run(new PrepareCsv())))
                .hasMessageContaining("Input 'ranges': range '1-5' of column 'sepal_length' must be written min..max");
        assertThat(BadInput.thrownBy(() -> prepare(IRIS, "species")
                        .with(PrepareCsv.RANGES, Map.of("sepal_length", "NaN..5"))
                        .run(new PrepareCsv())))
                .hasMessageContaining("has a bound that is not a number");
        assertThat(BadInput.thrownBy(() -> prepare(IRIS, "species")
                        .with(PrepareCsv.TRAIN_RATIO, 0.9)
                        .run(new PrepareCsv())))
                .hasMessageContaining("Inputs 'train-ratio' (0.9), 'validation-ratio' (0.15) and 'test-ratio' (0.15)")
                .hasMessageContaining("sum to 1");
        assertThat(BadInput.thrownBy(() -> prepare(IRIS, "species")
                        .with(PrepareCsv.SCHEMA, Map.of("sepal_length", "float"))
                        .run(new PrepareCsv())))
                .hasMessageContaining("Schema type 'float' of column 'sepal_length' is not supported");
        assertThat(BadInput.thrownBy(() -> prepare(IRIS, "species")
                        .with(PrepareCsv.FEATURES, List.of("sepal_length"))
                        .with(PrepareCsv.REQUIRED, List.of("petal_width"))
                        .run(new PrepareCsv())))
                .hasMessageContaining("Input 'required' names column 'petal_width', which is not among the prepared "
                        + "columns [row_id, sepal_length, species]; add it to 'features'");
        assertThat(BadInput.thrownBy(() -> prepare(IRIS, "species")
                        .with(PrepareCsv.FEATURES, List.of("species"))
                        .run(new PrepareCsv())))
                .hasMessageContaining("Input 'features' names column 'species', which is the label");
        assertThat(BadInput.thrownBy(() -> prepare(IRIS, "species")
                        .with(PrepareCsv.MAX_REJECTED_SHARE, 1.5)
                        .run(new PrepareCsv())))
                .hasMessageContaining("Input 'max-rejected-share' must be between 0 and 1, got 1.5");
        assertThat(BadInput.thrownBy(() -> prepare(IRIS, "species")
                        .with(PrepareCsv.BEAM_RUNNER, "NoSuchRunner")
                        .run(new PrepareCsv())))
                .hasMessageContaining("Inputs 'beam-runner' and 'beam-options' give invalid Beam options")
                .hasMessageContaining("NoSuchRunner");
    }

    /**
     * Errors raised inside the Beam pipeline (fitting the preprocessing) reach the step as bad input: the
     * runner's wrapping must not lose it, or the launcher would retry a step that cannot succeed.
     */
    @Test
    void badDataFoundInsideThePipelineStaysBadInput() throws Exception {
        Path headerOnly = tmp.resolve("header-only.csv");
        Files.writeString(headerOnly, "x,label\n");
        assertThat(BadInput.thrownBy(
                        () -> prepare(headerOnly.toString(), "label").run(new PrepareCsv())))
                .hasMessageContaining("The training split is empty")
                .hasMessageContaining("'train-ratio'");

        Path noValues = tmp.resolve("no-values.csv");
        StringBuilder csv = new StringBuilder("x,y,label\n");
        for (int i = 0; i < 20; i++) {
            csv.append("NA,").append(i).append(',').append(i % 2).append('\n');
        }
        Files.writeString(noValues, csv);
        assertThat(BadInput.thrownBy(() -> prepare(noValues.toString(), "label")
                        .with(PrepareCsv.SCHEMA, Map.of("x", "numeric"))
                        .run(new PrepareCsv())))
                .hasMessageContaining("Numeric column 'x' has no value in the training split")
                .hasMessageContaining("leave it out of 'features'");
    }

    /**
     * The step is cached by what it reads: the digest follows every byte and the name of every file the
     * source matches, and nothing else.
     */
    @Test
    void theSourceDigestFollowsTheNameAndContentOfEveryMatchedFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("digest"));
        Files.writeString(dir.resolve("a.csv"), "x,label\n1,yes\n2,no\n");
        Files.writeString(dir.resolve("b.csv"), "x,label\n3,yes\n");
        String glob = dir + "/*.csv";
        String first = digest(glob);

        assertThat(first).matches("[0-9a-f]{64}");
        assertThat(digest(glob)).as("the same files").isEqualTo(first);
        assertThat(digest(dir.resolve("a.csv").toString()))
                .as("one of the files")
                .isNotEqualTo(first);

        Files.writeString(dir.resolve("a.csv"), "x,label\n1,yes\n3,no\n");
        String changed = digest(glob);
        assertThat(changed).as("one byte changed").isNotEqualTo(first);

        Files.writeString(dir.resolve("c.csv"), "x,label\n");
        String added = digest(glob);
        assertThat(added).as("a file added to the glob").isNotEqualTo(changed);

        Files.move(dir.resolve("c.csv"), dir.resolve("d.csv"));
        assertThat(digest(glob)).as("a file renamed").isNotEqualTo(added);

        // The bytes move from one file to the next: the same concatenation, other files.
        Files.delete(dir.resolve("d.csv"));
        Files.writeString(dir.resolve("a.csv"), "x,label\n1,yes\n3,no\nx,label\n");
        Files.writeString(dir.resolve("b.csv"), "3,yes\n");
        assertThat(digest(glob)).isNotEqualTo(changed);

        String missing = dir + "/*.parquet";
        assertThat(BadInput.thrownBy(() -> digest(missing)))
                .hasMessageContaining("Source '" + missing + "' matches no file");
        assertThat(BadInput.thrownBy(() -> new PrepareCsv()
                        .digestSources(prepare(glob, "label").with(PrepareCsv.BEAM_RUNNER, "NoSuchRunner"))))
                .hasMessageContaining("NoSuchRunner");
    }

    private String digest(String source) throws Exception {
        PrepareCsv step = new PrepareCsv();
        assertThat(step.readsSources()).isTrue();
        assertThat(step.cacheableByDefault()).isTrue();
        return step.digestSources(prepare(source, "label")).orElseThrow();
    }

    /**
     * More rows than one chunk holds, with bad rows on both sides of a chunk boundary: line numbers, ids,
     * order and exact stratum sizes must not depend on where the chunks were cut.
     */
    @Test
    void largeSourcesKeepLineNumbersOrderAndExactStrataAcrossChunks() throws Exception {
        int rows = 2 * PreparePipeline.CHUNK_ROWS + 500;
        Set<Long> badLines = Set.of(PreparePipeline.CHUNK_ROWS + 1L, PreparePipeline.CHUNK_ROWS + 2L, rows + 1L);
        StringBuilder csv = new StringBuilder("line,x,kind\n");
        for (long line = 2; line <= rows + 1; line++) {
            csv.append(line)
                    .append(',')
                    .append(badLines.contains(line) ? "bad" : Long.toString(line % 97))
                    .append(",k")
                    .append(line % 3)
                    .append('\n');
        }
        Path source = tmp.resolve("large.csv");
        Files.writeString(source, csv);
        TestContext ctx = new TestContext(tmp, "prepare")
                .with(PrepareCsv.SOURCE, source.toString())
                .with(PrepareCsv.LABEL, "kind")
                .with(PrepareCsv.STRATIFY, true)
                .run(new PrepareCsv());

        assertThat(ctx.value(PrepareCsv.REJECTED_ROWS)).isEqualTo(3L);
        assertThat(Table.readDataset(tmp.resolve("prepare/rejects")).rows())
                .extracting(r -> Long.parseLong(r.values().get(1)))
                .containsExactlyElementsOf(badLines.stream().sorted().toList());
        Map<String, Long> perKind = new java.util.HashMap<>();
        for (String split : List.of("train", "validation", "test")) {
            Table table = Table.readDataset(tmp.resolve("prepare").resolve(split));
            List<Long> ids = table.rows().stream()
                    .map(r -> Long.parseLong(r.values().get(0)))
                    .toList();
            assertThat(ids)
                    .as("generated ids are line numbers, in source order")
                    .isSorted()
                    .allSatisfy(id -> assertThat(badLines).doesNotContain(id));
            table.rows()
                    .forEach(r ->
                            assertThat(r.values().get(1)).isEqualTo(r.values().get(0)));
            if (split.equals("train")) {
                table.rows().forEach(r -> perKind.merge(r.values().get(3), 1L, Long::sum));
            }
        }
        long valid = rows - 3L;
        assertThat(ctx.value(PrepareCsv.ROWS)).isEqualTo(valid);
        for (int kind = 0; kind < 3; kind++) {
            int k = kind;
            long size = java.util.stream.LongStream.rangeClosed(2, rows + 1)
                    .filter(line -> line % 3 == k && !badLines.contains(line))
                    .count();
            assertThat(perKind.get("k" + kind)).as("train rows of k%d", kind).isEqualTo(Math.round(size * 0.7));
        }
    }

    private static Map<String, Long> labelCounts(Table table) {
        int label = table.index("species");
        return table.rows().stream()
                .collect(Collectors.groupingBy(r -> r.values().get(label), Collectors.counting()));
    }
}
