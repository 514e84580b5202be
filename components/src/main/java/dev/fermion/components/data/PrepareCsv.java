package dev.fermion.components.data;

import dev.fermion.components.parquet.ParquetTable;
import dev.fermion.components.preprocess.ImputeStrategy;
import dev.fermion.components.preprocess.Scaling;
import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.Printable;
import dev.fermion.components.table.TableSchema;
import dev.fermion.dsl.BadInputException;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;
import dev.fermion.dsl.StepInputs;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.ValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Prepares a CSV or Parquet source for training on Apache Beam: validates every row, splits the valid
 * rows into train, validation and test, fits imputation, scaling and one-hot encoding on the training split
 * only, and reports statistics. Rows that fail validation go to the {@code rejects} data set with their
 * file, line (the row number in a Parquet file), column and reason; none is dropped silently. The name
 * stays from when CSV was the only format: the outputs are CSV data sets either way.
 *
 * <p>Each split holds {@code data.csv} (the validated rows, an id column first), {@code features.csv}
 * (the same rows transformed: id, one column per feature, label) and {@code schema.json}. The
 * {@code preprocessing} directory holds the fitted transform, which training copies into the model so
 * evaluation and serving transform their inputs the same way.
 *
 * <p>Runs on Beam's DirectRunner unless {@code beam-runner} names another; {@code beam-options} are passed
 * to it as command-line pipeline options, e.g. {@code --project=...}. Distributed runners need a
 * {@code staging} location their workers can write to.
 *
 * <p>The step is cached by the content it reads ({@link #sourceDigest}), not by the source's path: an
 * unchanged source is a cache hit, and a changed file runs the step again.
 */
public final class PrepareCsv extends Component {
    /** The id column added when the source has none; values are source line numbers. */
    public static final String GENERATED_ID = "row_id";

    static final List<String> DEFAULT_MISSING = List.of("", "NA", "N/A", "NaN", "null", "?");

    public static final Input<String> SOURCE = input("source", String.class)
            .describedAs("CSV or Parquet file or glob (local path, or any scheme whose Beam file system is on the "
                    + "class path); every file has the same columns: the same header line, or the same Parquet fields");
    public static final Input<SourceFormat> FORMAT = input("format", SourceFormat.class)
            .defaultValue(SourceFormat.AUTO)
            .describedAs("CSV or PARQUET; AUTO takes Parquet for names ending in .parquet or .pq");
    public static final Input<String> LABEL =
            input("label", String.class).describedAs("column to predict; rows without it are rejected");
    public static final Input<List<String>> FEATURES = input("features", ValueType.listOf(String.class))
            .defaultValue(List.of())
            .describedAs("feature columns; empty means every column but the label and id");
    public static final Input<String> ID_COLUMN = input("id-column", String.class)
            .optional()
            .describedAs("column identifying rows; by default rows are identified by their line number");
    public static final Input<Map<String, String>> SCHEMA = input("schema", ValueType.mapOf(String.class))
            .defaultValue(Map.of())
            .describedAs("declared column types (numeric or categorical); others are inferred");
    public static final Input<List<String>> REQUIRED = input("required", ValueType.listOf(String.class))
            .defaultValue(List.of())
            .describedAs("columns that must have a value; the label always must");
    public static final Input<Map<String, String>> RANGES = input("ranges", ValueType.mapOf(String.class))
            .defaultValue(Map.of())
            .describedAs("allowed range of numeric columns, min..max, bounds included");
    public static final Input<List<String>> MISSING_VALUES = input("missing-values", ValueType.listOf(String.class))
            .defaultValue(DEFAULT_MISSING)
            .describedAs("spellings of a missing value");
    public static final Input<Double> MAX_REJECTED_SHARE = input("max-rejected-share", Double.class)
            .defaultValue(0.05)
            .describedAs("share of the rows that may be rejected; more fails the step, naming the columns and "
                    + "reasons (1 accepts any number)");
    public static final Input<Double> TRAIN_RATIO =
            input("train-ratio", Double.class).defaultValue(0.7);
    public static final Input<Double> VALIDATION_RATIO =
            input("validation-ratio", Double.class).defaultValue(0.15);
    public static final Input<Double> TEST_RATIO =
            input("test-ratio", Double.class).defaultValue(0.15);
    public static final Input<Integer> SEED = input("seed", Integer.class).defaultValue(42);
    public static final Input<Boolean> STRATIFY = input("stratify", Boolean.class)
            .defaultValue(false)
            .describedAs("split each label value in the exact ratios; otherwise each row is placed independently");
    public static final Input<ImputeStrategy> IMPUTE =
            input("impute", ImputeStrategy.class).defaultValue(ImputeStrategy.MEAN);
    public static final Input<Double> IMPUTE_CONSTANT =
            input("impute-constant", Double.class).defaultValue(0.0);
    public static final Input<Scaling> SCALING = input("scaling", Scaling.class).defaultValue(Scaling.STANDARD);
    public static final Input<String> BEAM_RUNNER =
            input("beam-runner", String.class).defaultValue("DirectRunner");
    public static final Input<List<String>> BEAM_OPTIONS = input("beam-options", ValueType.listOf(String.class))
            .defaultValue(List.of())
            .describedAs("Beam pipeline options, e.g. --project=p or --flinkMaster=host:8081");
    public static final Input<String> STAGING = input("staging", String.class)
            .optional()
            .describedAs("location the runner's workers write results to (e.g. gs://bucket/tmp); "
                    + "defaults to the step's local work directory, which only the DirectRunner can use");

    public static final Output<Dataset> TRAIN = output("train", Dataset.class);
    public static final Output<Dataset> VALIDATION = output("validation", Dataset.class);
    public static final Output<Dataset> TEST = output("test", Dataset.class);
    public static final Output<Directory> PREPROCESSING = output("preprocessing", Directory.class)
            .describedAs("fitted transform (preprocessing.json), statistics of all valid rows and of the "
                    + "training split, and the schema");
    public static final Output<Dataset> REJECTS = output("rejects", Dataset.class);
    public static final Output<Long> ROWS = output("rows", Long.class).describedAs("valid rows");
    public static final Output<Long> TRAIN_ROWS = output("train-rows", Long.class);
    public static final Output<Long> VALIDATION_ROWS = output("validation-rows", Long.class);
    public static final Output<Long> TEST_ROWS = output("test-rows", Long.class);
    public static final Output<Long> REJECTED_ROWS = output("rejected-rows", Long.class);

    /** What the step decided: column types and how, rejected rows by column and reason. */
    static final String REPORT = "report.json";

    /**
     * What the step reads: SHA-256 over the name and bytes of every file the source matches, read with the
     * Beam file systems and options the step runs with. The step is cached by this content, so a changed,
     * added, removed or renamed file runs it again; a source that matches no file fails it as bad input.
     */
    @Override
    protected Optional<String> sourceDigest(StepInputs inputs) {
        FileSystems.setDefaultPipelineOptions(pipelineOptions(inputs.get(BEAM_RUNNER), inputs.get(BEAM_OPTIONS)));
        return Optional.of(SourceFiles.scan(SourceFiles.match(inputs.get(SOURCE)), PreparePipeline.CHUNK_ROWS)
                .digest());
    }

    @Override
    protected void run(StepContext ctx) throws Exception {
        PipelineOptions options = pipelineOptions(ctx.get(BEAM_RUNNER), ctx.get(BEAM_OPTIONS));
        FileSystems.setDefaultPipelineOptions(options);
        String source = ctx.get(SOURCE);
        List<String> files = SourceFiles.match(source);
        SourceFormat format = ctx.get(FORMAT).of(files.get(0));
        SourceFiles.Columns first = SourceFiles.columns(files.get(0), format);
        List<String> header = first.names();
        for (String file : files.subList(1, files.size())) {
            if (ctx.get(FORMAT).of(file) != format) {
                throw new BadInputException("Source '" + source + "' matches " + files.get(0) + " (" + format
                        + ") and " + file + " (" + ctx.get(FORMAT).of(file) + "): every file of a source needs the "
                        + "same format; narrow the glob or set 'format'");
            }
            List<String> columns = SourceFiles.columns(file, format).names();
            if (!columns.equals(header)) {
                throw new BadInputException("Source file " + file + " has columns " + Printable.list(columns)
                        + " but " + files.get(0) + " has " + Printable.list(header)
                        + ": every file of a source needs the same columns; narrow the glob, or write the files alike");
            }
        }
        Set<String> missing = new LinkedHashSet<>(ctx.get(MISSING_VALUES));
        if (format == SourceFormat.PARQUET) {
            // A Parquet null reaches validation as an empty text; it is missing whatever else is.
            missing.add("");
        }
        double maxRejectedShare = ctx.get(MAX_REJECTED_SHARE);
        if (!(maxRejectedShare >= 0 && maxRejectedShare <= 1)) {
            throw new BadInputException("Input 'max-rejected-share' must be between 0 and 1, got " + maxRejectedShare);
        }
        List<ColumnDecision> decisions = columns(ctx, files.get(0), format, first, missing);
        TableSchema schema = new TableSchema(
                decisions.stream().map(ColumnDecision::column).toList(),
                decisions.get(0).name(),
                ctx.get(LABEL));
        boolean generatedId = ctx.find(ID_COLUMN).isEmpty();
        ctx.log(
                "Preparing %s (%d file(s)); columns %s",
                source,
                files.size(),
                schema.columns().stream()
                        .map(c -> c.name() + ":" + c.type().name().toLowerCase(Locale.ROOT))
                        .toList());
        decisions.forEach(decision -> warnOfMixedColumn(ctx, decision));

        Set<String> required = new LinkedHashSet<>(ctx.get(REQUIRED));
        required.add(schema.label());
        if (!generatedId) {
            required.add(schema.id());
        }
        required.forEach(column -> prepared(schema, column, REQUIRED, header));
        Map<String, Range> ranges = new HashMap<>();
        ctx.get(RANGES).forEach((column, text) -> {
            if (prepared(schema, column, RANGES, header).type() != ColumnType.NUMERIC) {
                throw new BadInputException("Input 'ranges' gives a range for column '" + Printable.of(column)
                        + "', which is categorical: ranges apply to numeric columns only; remove it, or declare "
                        + "the column numeric in 'schema'");
            }
            ranges.put(column, Range.parse(column, text));
        });
        Split split = new Split(ctx.get(SEED), ctx.get(TRAIN_RATIO), ctx.get(VALIDATION_RATIO), ctx.get(TEST_RATIO));
        String staging = ctx.find(STAGING)
                .map(root -> root.replaceAll("/+$", "") + "/" + ctx.runId() + "/" + ctx.stepName())
                .orElse(ctx.workDir().resolve("beam").toAbsolutePath().toString());

        RowValidator validator = new RowValidator(header, schema, generatedId, required, ranges, missing);
        SourceFiles.Scan scan = SourceFiles.scan(files, PreparePipeline.CHUNK_ROWS);
        PreparePipeline.run(
                options,
                new PreparePipeline.Plan(
                        format,
                        files,
                        parts(format, files, scan),
                        schema,
                        generatedId,
                        validator,
                        split,
                        ctx.get(STRATIFY),
                        ctx.get(IMPUTE),
                        ctx.get(IMPUTE_CONSTANT),
                        ctx.get(SCALING),
                        List.copyOf(missing),
                        staging));

        StagedOutputs.collect(ctx, schema, staging, decisions, maxRejectedShare, source, scan.digest());
        if (ctx.find(STAGING).isPresent()) {
            StagedOutputs.delete(staging);
        }
    }

    /** What the workers read: chunks of a CSV file's lines, or a Parquet file's row groups, in source order. */
    private static List<SourcePart> parts(SourceFormat format, List<String> files, SourceFiles.Scan scan) {
        if (format == SourceFormat.CSV) {
            return scan.lines();
        }
        List<SourcePart> parts = new ArrayList<>();
        for (String file : files) {
            List<Long> groups = ParquetTable.rowGroups(file);
            long first = 1;
            for (int group = 0; group < groups.size(); group++) {
                if (groups.get(group) > 0) {
                    parts.add(new SourcePart(file, group, 0, first, groups.get(group)));
                    first += groups.get(group);
                }
            }
        }
        return parts;
    }

    private static PipelineOptions pipelineOptions(String runner, List<String> userOptions) {
        List<String> args = new ArrayList<>();
        args.add("--runner=" + runner);
        if (runner.equals("DirectRunner") || runner.endsWith(".DirectRunner")) {
            // The DirectRunner's immutability and encodability checks copy every element; they catch bugs
            // in tests but slow real runs several times, so real runs opt in through beam-options.
            if (userOptions.stream().noneMatch(o -> o.startsWith("--enforceImmutability"))) {
                args.add("--enforceImmutability=false");
            }
            if (userOptions.stream().noneMatch(o -> o.startsWith("--enforceEncodability"))) {
                args.add("--enforceEncodability=false");
            }
        }
        args.addAll(userOptions);
        try {
            return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
                    .withValidation()
                    .create();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(
                    "Inputs 'beam-runner' and 'beam-options' give invalid Beam options "
                            + args + ": " + e.getMessage() + ". A runner other than DirectRunner needs its Beam runner "
                            + "module on the class path",
                    e);
        }
    }

    /**
     * Says when an inferred column mixes numbers with other values: a numeric one rejects the rows with
     * others, and a categorical one that is mostly numbers may be numbers with placeholders among them.
     */
    private static void warnOfMixedColumn(StepContext ctx, ColumnDecision decision) {
        if (decision.notNumbers() == null || decision.notNumbers().isEmpty()) {
            return;
        }
        String examples = decision.notNumbers().stream()
                .map(v -> "'" + Printable.of(v.value()) + "' (line " + v.line() + ")")
                .collect(Collectors.joining(", "));
        if (decision.type() == ColumnType.NUMERIC) {
            ctx.log(
                    "Column '%s' is numeric: %d of the %d values sampled are numbers; rows with others are rejected, "
                            + "such as %s",
                    decision.name(), decision.numbers(), decision.sampled(), examples);
        } else if (2 * decision.numbers() > decision.sampled()) {
            ctx.log(
                    "Column '%s' is categorical although %d of the %d values sampled are numbers, because of others "
                            + "such as %s; if it holds numbers, declare it numeric in 'schema' and list placeholders in "
                            + "'missing-values'",
                    decision.name(), decision.numbers(), decision.sampled(), examples);
        }
    }

    /** The columns of the output and how each type was decided: the id first, then features and label. */
    private static List<ColumnDecision> columns(
            StepContext ctx, String file, SourceFormat format, SourceFiles.Columns source, Set<String> missing) {
        List<String> header = source.names();
        String label = ctx.get(LABEL);
        String id = ctx.find(ID_COLUMN).orElse(GENERATED_ID);
        boolean generatedId = ctx.find(ID_COLUMN).isEmpty();
        requireInHeader(label, "label", header, file);
        if (generatedId && header.contains(GENERATED_ID)) {
            throw new BadInputException("The source " + file + " has a column named '" + GENERATED_ID
                    + "', which is the name of the generated id; set 'id-column' to '" + GENERATED_ID
                    + "' if it identifies rows, or rename it");
        }
        if (!generatedId) {
            requireInHeader(id, "id-column", header, file);
        }
        List<String> features = ctx.get(FEATURES);
        if (features.isEmpty()) {
            features = header.stream()
                    .filter(c -> !c.equals(label) && !c.equals(id))
                    .toList();
        }
        for (String feature : features) {
            requireInHeader(feature, "features", header, file);
            if (feature.equals(label) || feature.equals(id)) {
                throw new BadInputException("Input 'features' names column '" + Printable.of(feature) + "', which is "
                        + "the " + (feature.equals(label) ? "label" : "id column") + " and cannot also be a feature; "
                        + "remove it from 'features'");
            }
        }
        Map<String, String> declared = ctx.get(SCHEMA);
        declared.keySet().forEach(c -> requireInHeader(c, "schema", header, file));
        List<String> wanted = new ArrayList<>(features);
        wanted.add(label);
        List<ColumnDecision> columns = new ArrayList<>();
        columns.add(ColumnDecision.of(new Column(id, ColumnType.CATEGORICAL), ColumnDecision.ID));
        columns.addAll(SourceFiles.types(file, format, source, wanted, declared, missing));
        return columns;
    }

    private static void requireInHeader(String column, String input, List<String> header, String file) {
        if (!header.contains(column)) {
            throw new BadInputException("Input '" + input + "' names column '" + Printable.of(column) + "', which "
                    + file + " does not have; its header is " + Printable.list(header));
        }
    }

    /** A column the step prepares (the id, a feature or the label), named by {@code input}. */
    private static Column prepared(TableSchema schema, String column, Input<?> input, List<String> header) {
        return schema.column(column)
                .orElseThrow(() -> new BadInputException("Input '" + input.name()
                        + "' names column '" + Printable.of(column) + "', which "
                        + (header.contains(column)
                                ? "is not among the prepared columns " + Printable.list(schema.names())
                                        + "; add it to 'features'"
                                : "the source does not have; its header is " + Printable.list(header))));
    }
}
