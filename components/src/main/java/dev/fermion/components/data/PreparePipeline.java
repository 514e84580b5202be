package dev.fermion.components.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fermion.components.parquet.ParquetTable;
import dev.fermion.components.preprocess.DatasetStatistics;
import dev.fermion.components.preprocess.ImputeStrategy;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.preprocess.Scaling;
import dev.fermion.components.preprocess.StatisticsAccumulator;
import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.Csv;
import dev.fermion.components.table.TableSchema;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Beam pipeline behind {@link PrepareCsv}: read, validate, split, fit statistics on the training split,
 * transform and write. Everything it produces goes under a staging root that the workers of the chosen
 * runner can write to; the step collects the results into its artifacts afterwards.
 *
 * <p>Elements are chunks of up to {@link #CHUNK_ROWS} consecutive rows, not single rows. A runner's
 * bookkeeping per element (metrics, watermarks, bundle commits) dwarfs the work of validating one row, so
 * per-row elements made the DirectRunner eight times slower than a plain loop; chunks keep every
 * transform's semantics while paying that cost once per few thousand rows. For the same reason row
 * outputs are written as one part file per chunk ({@link PartNames}) rather than through a file sink,
 * whose single-file mode funnels every row through one group-by-key.
 *
 * <p>A chunk passes through few transforms, each doing all it can with the rows at hand: validation writes
 * the chunk's rejected rows, the split writes its three parts of {@code data.csv} and adds the rows to the
 * statistics of their split, and one transform writes the features of all three splits. Where a row's split
 * depends on nothing but its generated id, validation splits the chunk itself, and what waits for the fit
 * is the compact {@link FeatureRows} of each split, not the validated rows. The DirectRunner
 * translates a transform's function to its portable form twice for every bundle it processes (Java
 * serialization, then the JIT compiling it), so each transform a chunk passes costs far more than the
 * work it does; the statistics and the rejected rows travel together as {@link PrepareTotals} through a
 * single combine.
 *
 * <p>Layout under the staging root: {@code <split>/data/part-*.csv}, {@code <split>/features/part-*.csv},
 * {@code rejects/part-*.csv} (all without header), {@code preprocessing.json}, {@code statistics.json},
 * {@code train-statistics.json}, {@code rejects-summary.json}, {@code counts.json}.
 */
final class PreparePipeline {
    static final int ID_BUCKETS = 16;
    static final int CHUNK_ROWS = 65_536;
    static final String DATA = "data";
    static final String FEATURES = "features";
    static final String REJECTS_DIRECTORY = "rejects";
    /** Rejected rows by column and reason: {@link RejectionSummary.Group}s as JSON. */
    static final String REJECTS_SUMMARY = "rejects-summary.json";
    /** The rows of each output: {@link Counts} as JSON. */
    static final String COUNTS = "counts.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final TupleTag<List<CleanRow>> VALID = new TupleTag<>() { };
    private static final TupleTag<SplitChunk> SPLIT = new TupleTag<>() { };
    private static final TupleTag<PrepareTotals> TOTALS = new TupleTag<>() { };

    /** Everything the pipeline needs, decided by the driver from the step's inputs. */
    record Plan(SourceFormat format, List<String> files, List<SourcePart> parts, TableSchema output,
                boolean generatedId, RowValidator validator, Split split, boolean stratify, ImputeStrategy impute,
                double constant, Scaling scaling, List<String> missingMarkers, String staging) {
        Plan {
            files = List.copyOf(files);
            parts = List.copyOf(parts);
            missingMarkers = List.copyOf(missingMarkers);
        }
    }

    /** The rows of each output, which the step reports. */
    record Counts(long train, long validation, long test, long rejected) {
    }

    /** The valid rows of a chunk by split: train, validation and test, each in source order. */
    record SplitChunk(List<FeatureRows> splits) implements Serializable {
        SplitChunk {
            splits = List.copyOf(splits);
        }
    }

    private PreparePipeline() {
    }

    static void run(PipelineOptions options, Plan plan) {
        Pipeline pipeline = Pipeline.create(options);
        Coder<List<CleanRow>> rowsCoder = ListCoder.of(SerializableCoder.of(CleanRow.class));
        PartNames parts = new PartNames(plan.files());
        String staging = plan.staging();
        String rejects = staging + "/" + REJECTS_DIRECTORY;
        PrepareTotals.Layout totals = new PrepareTotals.Layout(statisticsColumns(plan.output()),
                plan.impute() == ImputeStrategy.MEDIAN);
        Coder<PrepareTotals> totalsCoder = totals.coder();

        // The parts are known before the pipeline starts (SourceFiles.Scan), so every worker reads and
        // validates parts of the source from the start: no single worker reads a file while others wait.
        // Rows whose split needs nothing but their own id (generated ids, which cannot repeat, and no
        // stratification) are split by the same transform as soon as they are valid. A transform's output
        // leaves it only when its bundle ends, and Create deals the parts out in a few bundles, so otherwise
        // every validated row of the source waited in memory, a dozen objects each, to be split.
        Splitter direct = plan.generatedId() && !plan.stratify()
                ? new Splitter(plan.split(), parts, staging, numericColumns(plan.output())) : null;
        PCollectionTuple checked = pipeline
                .apply("Parts", Create.of(plan.parts()).withCoder(SourcePart.CODER))
                .apply("ReadAndValidate", ParDo.of(new ValidateFn(plan.format(), plan.validator(), plan.generatedId(),
                        plan.files().size() > 1, parts, rejects, totals, direct))
                        .withOutputTags(VALID, TupleTagList.of(TOTALS).and(SPLIT)));
        PCollection<List<CleanRow>> valid = checked.get(VALID).setCoder(rowsCoder);
        PCollectionList<PrepareTotals> partial = PCollectionList.of(checked.get(TOTALS).setCoder(totalsCoder));
        PCollection<SplitChunk> splitChunks = checked.get(SPLIT).setCoder(SerializableCoder.of(SplitChunk.class));
        if (direct == null) {
            if (!plan.generatedId()) {
                PCollectionView<Map<String, List<Long>>> duplicates = valid
                        .apply("IdBuckets", ParDo.of(new IdBucketsFn()))
                        .setCoder(KvCoder.of(VarIntCoder.of(), idLinesCoder()))
                        .apply("FindDuplicateIds", Combine.perKey(new DuplicateIdsFn()))
                        .apply("DuplicateIds", ParDo.of(new EntriesFn()))
                        .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(VarLongCoder.of())))
                        .apply("DuplicateIdsView", View.asMap());
                PCollectionTuple unique = valid.apply("RejectDuplicateIds", ParDo.of(new UniqueIdFn(duplicates,
                        plan.output().id(), parts, rejects, totals)).withSideInputs(duplicates)
                        .withOutputTags(VALID, TupleTagList.of(TOTALS)));
                valid = unique.get(VALID).setCoder(rowsCoder);
                partial = partial.and(unique.get(TOTALS).setCoder(totalsCoder));
            }
            PCollectionTuple split = split(plan, valid, parts, totals);
            // Validation wrote nothing to its own SPLIT output; the split chunks come from here.
            splitChunks = split.get(SPLIT).setCoder(SerializableCoder.of(SplitChunk.class));
            partial = partial.and(split.get(TOTALS).setCoder(totalsCoder));
        }

        PCollection<Preprocessing> fitted = partial.apply("AllTotals", Flatten.pCollections())
                .apply("Totals", Combine.globally(new TotalsFn(totals)))
                .apply("Fit", ParDo.of(new FitFn(plan)))
                .setCoder(SerializableCoder.of(Preprocessing.class));
        PCollectionView<Preprocessing> view = fitted.apply("PreprocessingView", View.asSingleton());
        splitChunks.apply("WriteFeatures", ParDo.of(new WriteFeaturesFn(view, plan.output().names(), parts, staging))
                .withSideInputs(view));

        StagingGate gate = StagingGate.open(staging);
        PipelineResult.State state;
        try {
            state = pipeline.run().waitUntilFinish();
        } catch (Pipeline.PipelineExecutionException e) {
            gate.shutAndDrain();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Data preparation pipeline failed: " + cause.getMessage(), cause);
        } catch (RuntimeException e) {
            gate.shutAndDrain();
            throw e;
        }
        if (state != PipelineResult.State.DONE) {
            gate.shutAndDrain();
            throw new IllegalStateException("Data preparation pipeline ended in state " + state
                    + "; see the runner's logs for the failing transform");
        }
        gate.release();
    }

    /**
     * Places every row in train, validation or test. A stratified split needs each label's size and the
     * seeded order of its ids; only the two bounds per label derived from them travel to the rows, so
     * rows are never grouped by label.
     */
    private static PCollectionTuple split(Plan plan, PCollection<List<CleanRow>> valid, PartNames parts,
                                          PrepareTotals.Layout totals) {
        TupleTagList others = TupleTagList.of(TOTALS);
        Splitter splitter = new Splitter(plan.split(), parts, plan.staging(), numericColumns(plan.output()));
        if (!plan.stratify()) {
            return valid.apply("Split", ParDo.of(new SplitFn(null, splitter, totals))
                    .withOutputTags(SPLIT, others));
        }
        PCollectionView<Map<String, Split.StratumBounds>> bounds = valid
                .apply("IdsByLabel", ParDo.of(new IdsByLabelFn()))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(StringUtf8Coder.of())))
                .apply("GroupStrata", GroupByKey.create())
                .apply("StratumBounds", ParDo.of(new StratumBoundsFn(plan.split())))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(Split.StratumBounds.class)))
                .apply("StratumBoundsView", View.asMap());
        return valid.apply("SplitStrata", ParDo.of(new SplitFn(bounds, splitter, totals))
                .withSideInputs(bounds).withOutputTags(SPLIT, others));
    }

    /** Which columns of the output, in order, are numeric. */
    private static boolean[] numericColumns(TableSchema output) {
        boolean[] numeric = new boolean[output.columns().size()];
        for (int i = 0; i < numeric.length; i++) {
            numeric[i] = output.columns().get(i).type() == ColumnType.NUMERIC;
        }
        return numeric;
    }

    private static Coder<Map<String, List<Long>>> idLinesCoder() {
        return MapCoder.of(StringUtf8Coder.of(), ListCoder.of(VarLongCoder.of()));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Reads a part of the source and validates its rows: each valid chunk of up to {@link #CHUNK_ROWS} rows
     * goes on, and the rejected rows of each chunk are written as a part of the rejects and counted. Rows are
     * numbered by their line in a CSV file (the header is line 1) and their row in a Parquet file; Parquet
     * rows become CSV records here, so validation treats both formats alike.
     */
    static final class ValidateFn extends DoFn<SourcePart, List<CleanRow>> {
        private final SourceFormat format;
        private final RowValidator validator;
        private final boolean generatedId;
        private final boolean multipleFiles;
        private final PartNames parts;
        private final String rejects;
        private final PrepareTotals.Layout totals;
        /** Splits the valid rows of each chunk at once, or null to hand them on (VALID) to be split later. */
        private final Splitter splitter;

        ValidateFn(SourceFormat format, RowValidator validator, boolean generatedId, boolean multipleFiles,
                   PartNames parts, String rejects, PrepareTotals.Layout totals, Splitter splitter) {
            this.format = format;
            this.validator = validator;
            this.generatedId = generatedId;
            this.multipleFiles = multipleFiles;
            this.parts = parts;
            this.rejects = rejects;
            this.totals = totals;
            this.splitter = splitter;
        }

        @ProcessElement
        public void process(@Element SourcePart part, MultiOutputReceiver out) throws IOException {
            List<String> lines = new ArrayList<>((int) Math.min(part.rows(), CHUNK_ROWS));
            long[] first = {part.first()};
            if (format == SourceFormat.PARQUET) {
                List<String> fields = new ArrayList<>();
                ParquetTable.forEachRow(part.file(), (int) part.position(), part.first(), (row, values) -> {
                    fields.clear();
                    values.forEach(value -> fields.add(value == null ? "" : value));
                    lines.add(Csv.format(fields));
                    if (lines.size() == CHUNK_ROWS) {
                        try {
                            validate(part.file(), first[0], lines, out);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        first[0] += lines.size();
                        lines.clear();
                    }
                });
            } else {
                readLines(part, lines);
            }
            validate(part.file(), first[0], lines, out);
        }

        /** The lines of a CSV part, read from where it begins. */
        private static void readLines(SourcePart part, List<String> lines) throws IOException {
            try (ReadableByteChannel channel = FileSystems.open(FileSystems.matchNewResource(part.file(), false))) {
                InputStream in = Channels.newInputStream(channel);
                if (channel instanceof SeekableByteChannel seekable) {
                    seekable.position(part.position());
                } else {
                    in.skipNBytes(part.position());
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
                for (long i = 0; i < part.rows(); i++) {
                    String line = reader.readLine();
                    if (line == null) {
                        throw new IllegalStateException("Source file " + part.file() + " changed while the step ran: "
                                + "it ends before line " + (part.first() + i) + ", which it had when the step started");
                    }
                    lines.add(line);
                }
            }
        }

        private void validate(String file, long first, List<String> lines, MultiOutputReceiver out) throws IOException {
            if (lines.isEmpty()) {
                return;
            }
            List<CleanRow> rows = new ArrayList<>(lines.size());
            List<Rejection> rejections = new ArrayList<>();
            String prefix = multipleFiles ? fileName(file) + ":" : "";
            for (int i = 0; i < lines.size(); i++) {
                SourceLine line = new SourceLine(file, first + i, lines.get(i));
                RowValidator.Outcome outcome = validator.validate(line, generatedId ? prefix + line.line() : null);
                if (outcome.row() != null) {
                    rows.add(outcome.row());
                } else {
                    rejections.add(outcome.rejection());
                }
            }
            if (!rows.isEmpty() && splitter == null) {
                out.get(VALID).output(rows);
            } else if (!rows.isEmpty()) {
                PrepareTotals sums = totals.empty();
                out.get(SPLIT).output(splitter.split(rows, null, sums));
                out.get(TOTALS).output(sums);
            }
            reject(rejections, parts, rejects, totals, out.get(TOTALS));
        }

        private static String fileName(String file) {
            return file.substring(file.lastIndexOf('/') + 1);
        }
    }

    /** Writes rejected rows as one part of the rejects, and hands on their count by column and reason. */
    private static void reject(List<Rejection> rejections, PartNames parts, String directory,
                               PrepareTotals.Layout layout, DoFn.OutputReceiver<PrepareTotals> out) throws IOException {
        if (rejections.isEmpty()) {
            return;
        }
        PrepareTotals totals = layout.empty();
        StringBuilder text = new StringBuilder(rejections.size() * 128);
        for (Rejection rejection : rejections) {
            text.append(rejection.toCsv()).append('\n');
            totals.reject(rejection);
        }
        write(directory + "/" + parts.name(rejections.get(0)), text.toString());
        out.output(totals);
    }

    private static void write(String path, String text) throws IOException {
        StagingGate.write(path, () -> {
            ResourceId target = FileSystems.matchNewResource(path, false);
            try (OutputStream out = Channels.newOutputStream(FileSystems.create(target, MimeTypes.TEXT))) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    /** Each chunk's ids with their lines, spread over {@link #ID_BUCKETS} keys by hash. */
    static final class IdBucketsFn extends DoFn<List<CleanRow>, KV<Integer, Map<String, List<Long>>>> {
        @ProcessElement
        public void process(@Element List<CleanRow> chunk, OutputReceiver<KV<Integer, Map<String, List<Long>>>> out) {
            List<Map<String, List<Long>>> buckets = new ArrayList<>(ID_BUCKETS);
            for (int i = 0; i < ID_BUCKETS; i++) {
                buckets.add(new HashMap<>());
            }
            for (CleanRow row : chunk) {
                buckets.get(Math.floorMod(row.id().hashCode(), ID_BUCKETS))
                        .computeIfAbsent(row.id(), k -> new ArrayList<>()).add(row.line());
            }
            for (int i = 0; i < ID_BUCKETS; i++) {
                if (!buckets.get(i).isEmpty()) {
                    out.output(KV.of(i, buckets.get(i)));
                }
            }
        }
    }

    /**
     * Finds ids that occur more than once, with their lines. Ids are spread over {@link #ID_BUCKETS} keys by
     * hash: few enough that the DirectRunner, which pays for every key group, stays fast, and enough to
     * spread the work over the workers of a distributed runner.
     */
    static final class DuplicateIdsFn extends Combine.CombineFn<Map<String, List<Long>>, Map<String, List<Long>>,
            Map<String, List<Long>>> {
        @Override
        public Map<String, List<Long>> createAccumulator() {
            return new HashMap<>();
        }

        @Override
        public Map<String, List<Long>> addInput(Map<String, List<Long>> accumulator, Map<String, List<Long>> ids) {
            ids.forEach((id, lines) -> accumulator.computeIfAbsent(id, k -> new ArrayList<>()).addAll(lines));
            return accumulator;
        }

        @Override
        public Map<String, List<Long>> mergeAccumulators(Iterable<Map<String, List<Long>>> accumulators) {
            Map<String, List<Long>> merged = createAccumulator();
            accumulators.forEach(accumulator -> addInput(merged, accumulator));
            return merged;
        }

        @Override
        public Map<String, List<Long>> extractOutput(Map<String, List<Long>> accumulator) {
            Map<String, List<Long>> duplicates = new HashMap<>();
            accumulator.forEach((id, lines) -> {
                if (lines.size() > 1) {
                    duplicates.put(id, lines.stream().sorted().toList());
                }
            });
            return duplicates;
        }

        @Override
        public Coder<Map<String, List<Long>>> getAccumulatorCoder(CoderRegistry registry, Coder<Map<String, List<Long>>> input) {
            return idLinesCoder();
        }

        @Override
        public Coder<Map<String, List<Long>>> getDefaultOutputCoder(CoderRegistry registry, Coder<Map<String, List<Long>>> input) {
            return idLinesCoder();
        }
    }

    static final class EntriesFn extends DoFn<KV<Integer, Map<String, List<Long>>>, KV<String, List<Long>>> {
        @ProcessElement
        public void process(@Element KV<Integer, Map<String, List<Long>>> bucket, OutputReceiver<KV<String, List<Long>>> out) {
            bucket.getValue().forEach((id, lines) -> out.output(KV.of(id, lines)));
        }
    }

    /**
     * Rejects every row of an id that occurs more than once: no copy is more right than another, and a
     * duplicated id would make predictions ambiguous to join back.
     */
    static final class UniqueIdFn extends DoFn<List<CleanRow>, List<CleanRow>> {
        private final PCollectionView<Map<String, List<Long>>> duplicates;
        private final String column;
        private final PartNames parts;
        private final String rejects;
        private final PrepareTotals.Layout totals;

        UniqueIdFn(PCollectionView<Map<String, List<Long>>> duplicates, String column, PartNames parts, String rejects,
                   PrepareTotals.Layout totals) {
            this.duplicates = duplicates;
            this.column = column;
            this.parts = parts;
            this.rejects = rejects;
            this.totals = totals;
        }

        @ProcessElement
        public void process(ProcessContext context, MultiOutputReceiver out) throws IOException {
            Map<String, List<Long>> repeated = context.sideInput(duplicates);
            List<CleanRow> unique = new ArrayList<>(context.element().size());
            List<Rejection> rejections = new ArrayList<>();
            for (CleanRow row : context.element()) {
                List<Long> lines = repeated.get(row.id());
                if (lines == null) {
                    unique.add(row);
                    continue;
                }
                rejections.add(new Rejection(row.file(), row.line(), new Rejection.Problem(column,
                        RejectReason.DUPLICATE_ID, "id '" + row.id() + "' occurs " + lines.size() + " times (lines "
                        + lines.stream().map(String::valueOf).collect(Collectors.joining(", "))
                        + "); ids must be unique"), Csv.format(row.values())));
            }
            if (!unique.isEmpty()) {
                out.get(VALID).output(unique);
            }
            reject(rejections, parts, rejects, totals, out.get(TOTALS));
        }
    }

    /**
     * Sends each row of a chunk to its split (with stratum bounds, by its place within its label), writes
     * the chunk's part of each split's {@code data.csv}, and adds the rows to their split's statistics with
     * the numbers validation parsed.
     */
    static final class Splitter implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Split split;
        private final PartNames parts;
        private final String staging;
        private final boolean[] numeric;

        Splitter(Split split, PartNames parts, String staging, boolean[] numeric) {
            this.split = split;
            this.parts = parts;
            this.staging = staging;
            this.numeric = numeric.clone();
        }

        SplitChunk split(List<CleanRow> chunk, Map<String, Split.StratumBounds> strata, PrepareTotals sums)
                throws IOException {
            List<List<CleanRow>> splits = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (CleanRow row : chunk) {
                int part = strata == null ? split.assign(row.id()) : split.assign(row.id(), strata.get(row.label()));
                splits.get(part).add(row);
                sums.split(part).add(row.values(), row.numbers(), 1);
            }
            StringBuilder text = new StringBuilder(chunk.size() * 96);
            for (int i = 0; i < 3; i++) {
                List<CleanRow> rows = splits.get(i);
                if (rows.isEmpty()) {
                    continue;
                }
                text.setLength(0);
                for (CleanRow row : rows) {
                    row.appendTo(text).append('\n');
                }
                write(staging + "/" + Split.NAMES.get(i) + "/" + DATA + "/" + parts.name(rows.get(0)), text.toString());
            }
            return new SplitChunk(splits.stream().map(rows -> FeatureRows.of(rows, numeric)).toList());
        }
    }

    /** {@link Splitter} as a transform of its own, for rows whose split needs the ids or labels of all rows. */
    static final class SplitFn extends DoFn<List<CleanRow>, SplitChunk> {
        private final PCollectionView<Map<String, Split.StratumBounds>> bounds;
        private final Splitter splitter;
        private final PrepareTotals.Layout totals;

        SplitFn(PCollectionView<Map<String, Split.StratumBounds>> bounds, Splitter splitter, PrepareTotals.Layout totals) {
            this.bounds = bounds;
            this.splitter = splitter;
            this.totals = totals;
        }

        @ProcessElement
        public void process(ProcessContext context, MultiOutputReceiver out) throws IOException {
            PrepareTotals sums = totals.empty();
            out.get(SPLIT).output(splitter.split(context.element(), bounds == null ? null : context.sideInput(bounds),
                    sums));
            out.get(TOTALS).output(sums);
        }
    }

    static final class IdsByLabelFn extends DoFn<List<CleanRow>, KV<String, List<String>>> {
        @ProcessElement
        public void process(@Element List<CleanRow> chunk, OutputReceiver<KV<String, List<String>>> out) {
            Map<String, List<String>> byLabel = new HashMap<>();
            for (CleanRow row : chunk) {
                byLabel.computeIfAbsent(row.label(), k -> new ArrayList<>()).add(row.id());
            }
            byLabel.forEach((label, ids) -> out.output(KV.of(label, ids)));
        }
    }

    /** Holds one label's ids at a time, which bounds stratified splits by the size of the largest class. */
    static final class StratumBoundsFn extends DoFn<KV<String, Iterable<List<String>>>, KV<String, Split.StratumBounds>> {
        private final Split split;

        StratumBoundsFn(Split split) {
            this.split = split;
        }

        @ProcessElement
        public void process(@Element KV<String, Iterable<List<String>>> stratum,
                            OutputReceiver<KV<String, Split.StratumBounds>> out) {
            List<String> ids = new ArrayList<>();
            stratum.getValue().forEach(ids::addAll);
            out.output(KV.of(stratum.getKey(), split.stratumBounds(ids)));
        }
    }

    /**
     * Statistics of every column but the id, whose values are all distinct: tallying them as categories
     * would make the statistics as large as the data and say nothing.
     */
    static List<Column> statisticsColumns(TableSchema schema) {
        if (!schema.columns().get(0).name().equals(schema.id())) {
            throw new IllegalArgumentException("The id column must come first in " + schema.names());
        }
        return List.copyOf(schema.columns().subList(1, schema.columns().size()));
    }

    /** Adds up the totals of every chunk. */
    static final class TotalsFn extends Combine.CombineFn<PrepareTotals, PrepareTotals, PrepareTotals> {
        private final PrepareTotals.Layout layout;

        TotalsFn(PrepareTotals.Layout layout) {
            this.layout = layout;
        }

        @Override
        public PrepareTotals createAccumulator() {
            return layout.empty();
        }

        @Override
        public PrepareTotals addInput(PrepareTotals accumulator, PrepareTotals chunk) {
            accumulator.merge(chunk);
            return accumulator;
        }

        @Override
        public PrepareTotals mergeAccumulators(Iterable<PrepareTotals> accumulators) {
            PrepareTotals merged = createAccumulator();
            accumulators.forEach(merged::merge);
            return merged;
        }

        @Override
        public PrepareTotals extractOutput(PrepareTotals accumulator) {
            return accumulator;
        }

        @Override
        public Coder<PrepareTotals> getAccumulatorCoder(CoderRegistry registry, Coder<PrepareTotals> input) {
            return layout.coder();
        }

        @Override
        public Coder<PrepareTotals> getDefaultOutputCoder(CoderRegistry registry, Coder<PrepareTotals> input) {
            return layout.coder();
        }
    }

    /**
     * Writes the totals (statistics of all rows, of the training split, the rejected rows by column and
     * reason, the counts) and fits the preprocessing on the training split's statistics.
     */
    static final class FitFn extends DoFn<PrepareTotals, Preprocessing> {
        private final TableSchema schema;
        private final ImputeStrategy impute;
        private final double constant;
        private final Scaling scaling;
        private final List<String> missingMarkers;
        private final String staging;

        FitFn(Plan plan) {
            this.schema = plan.output();
            this.impute = plan.impute();
            this.constant = plan.constant();
            this.scaling = plan.scaling();
            this.missingMarkers = List.copyOf(plan.missingMarkers());
            this.staging = plan.staging();
        }

        @ProcessElement
        public void process(@Element PrepareTotals totals, OutputReceiver<Preprocessing> out) throws IOException {
            StatisticsAccumulator all = new StatisticsAccumulator(statisticsColumns(schema), false);
            long[] rows = new long[3];
            for (int i = 0; i < 3; i++) {
                all.merge(totals.split(i));
                rows[i] = totals.split(i).rows();
            }
            DatasetStatistics train = totals.split(Split.TRAIN).result();
            write(staging + "/statistics.json", json(all.result()));
            write(staging + "/train-statistics.json", json(train));
            write(staging + "/" + REJECTS_SUMMARY, json(totals.rejects().groups()));
            write(staging + "/" + COUNTS, json(new Counts(rows[Split.TRAIN], rows[Split.VALIDATION],
                    rows[Split.TEST], totals.rejectedRows())));
            Preprocessing preprocessing = Preprocessing.fit(schema, train, impute, constant, scaling, missingMarkers);
            write(staging + "/" + Preprocessing.FILE, preprocessing.toJson());
            out.output(preprocessing);
        }
    }

    /**
     * Writes the rows of a chunk as {@code id, features..., label} lines, transformed with the preprocessing
     * fitted on the training split from the numbers validation parsed, as one part file per split.
     */
    static final class WriteFeaturesFn extends DoFn<SplitChunk, Void> {
        private final PCollectionView<Preprocessing> view;
        private final List<String> columns;
        private final PartNames parts;
        private final String staging;

        WriteFeaturesFn(PCollectionView<Preprocessing> view, List<String> columns, PartNames parts, String staging) {
            this.view = view;
            this.columns = List.copyOf(columns);
            this.parts = parts;
            this.staging = staging;
        }

        @ProcessElement
        public void process(ProcessContext context) throws IOException {
            Preprocessing preprocessing = context.sideInput(view);
            Preprocessing.Transformer transformer = preprocessing.bind(columns);
            boolean labelled = preprocessing.label() != null;
            StringBuilder text = new StringBuilder();
            String[] values = new String[columns.size()];
            List<String> row = Arrays.asList(values);
            double[] numbers = new double[columns.size()];
            for (int i = 0; i < 3; i++) {
                FeatureRows rows = context.element().splits().get(i);
                if (rows.size() == 0) {
                    continue;
                }
                text.setLength(0);
                text.ensureCapacity(rows.size() * 128);
                for (int r = 0; r < rows.size(); r++) {
                    rows.load(r, values, numbers);
                    Csv.appendField(text, rows.id(r));
                    for (float x : transformer.apply(row, numbers)) {
                        text.append(',');
                        appendFeature(text, x);
                    }
                    if (labelled) {
                        Csv.appendField(text.append(','), rows.label(r));
                    }
                    text.append('\n');
                }
                write(staging + "/" + Split.NAMES.get(i) + "/" + FEATURES + "/" + parts.name(rows), text.toString());
            }
        }

        /** {@link Float#toString}, with the one-hot columns' 0 and 1 spelled without formatting them each time. */
        private static void appendFeature(StringBuilder text, float x) {
            if (x == 1f) {
                text.append("1.0");
            } else if (Float.floatToRawIntBits(x) == 0) {
                text.append("0.0");
            } else {
                text.append(x);
            }
        }
    }
}
