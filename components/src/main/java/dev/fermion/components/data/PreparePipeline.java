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
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.SimpleFunction;
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
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * <p>Layout under the staging root: {@code <split>/data/part-*.csv}, {@code <split>/features/part-*.csv},
 * {@code rejects/part-*.csv} (all without header), {@code preprocessing.json}, {@code statistics.json},
 * {@code train-statistics.json}, {@code rejects-summary.json}.
 */
final class PreparePipeline {
    static final int ID_BUCKETS = 16;
    static final int CHUNK_ROWS = 65_536;
    static final String DATA = "data";
    static final String FEATURES = "features";
    static final String REJECTS_DIRECTORY = "rejects";
    /** Rejected rows by column and reason: {@link RejectionSummary.Group}s as JSON. */
    static final String REJECTS_SUMMARY = "rejects-summary.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final TupleTag<List<CleanRow>> VALID = new TupleTag<>() { };
    private static final TupleTag<List<Rejection>> REJECTS = new TupleTag<>() { };
    private static final List<TupleTag<List<CleanRow>>> SPLITS = List.of(new TupleTag<>("train") { },
            new TupleTag<>("validation") { }, new TupleTag<>("test") { });

    /** Everything the pipeline needs, decided by the driver from the step's inputs. */
    record Plan(String source, SourceFormat format, List<String> files, TableSchema output, boolean generatedId,
                RowValidator validator, Split split, boolean stratify, ImputeStrategy impute, double constant,
                Scaling scaling, List<String> missingMarkers, String staging) {
        Plan {
            files = List.copyOf(files);
            missingMarkers = List.copyOf(missingMarkers);
        }
    }

    private PreparePipeline() {
    }

    static void run(PipelineOptions options, Plan plan) {
        Pipeline pipeline = Pipeline.create(options);
        Coder<List<CleanRow>> rowsCoder = ListCoder.of(SerializableCoder.of(CleanRow.class));
        Coder<List<Rejection>> rejectsCoder = ListCoder.of(SerializableCoder.of(Rejection.class));
        PartNames parts = new PartNames(plan.files());
        String staging = plan.staging();

        // Reading a file is one element, so its chunks would all land in one bundle and every later
        // transform would see them on one thread; the reshuffle deals them out across the workers.
        PCollection<SourceChunk> chunks = pipeline
                .apply("MatchSource", FileIO.match().filepattern(plan.source()))
                .apply("OpenFiles", FileIO.readMatches())
                .apply("ReadChunks", ParDo.of(new ReadChunksFn(plan.format())))
                .setCoder(SourceChunk.CODER)
                .apply("Distribute", Reshuffle.viaRandomKey());

        PCollectionTuple checked = chunks.apply("Validate", ParDo.of(new ValidateFn(plan.validator(),
                plan.generatedId(), plan.files().size() > 1)).withOutputTags(VALID, TupleTagList.of(REJECTS)));
        PCollection<List<CleanRow>> valid = checked.get(VALID).setCoder(rowsCoder);
        PCollection<List<Rejection>> rejected = checked.get(REJECTS).setCoder(rejectsCoder);
        if (!plan.generatedId()) {
            PCollectionView<Map<String, List<Long>>> duplicates = valid
                    .apply("IdBuckets", ParDo.of(new IdBucketsFn()))
                    .setCoder(KvCoder.of(VarIntCoder.of(), idLinesCoder()))
                    .apply("FindDuplicateIds", Combine.perKey(new DuplicateIdsFn()))
                    .apply("DuplicateIds", ParDo.of(new EntriesFn()))
                    .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(VarLongCoder.of())))
                    .apply("DuplicateIdsView", View.asMap());
            PCollectionTuple unique = valid.apply("RejectDuplicateIds", ParDo.of(new UniqueIdFn(duplicates,
                    plan.output().id())).withSideInputs(duplicates).withOutputTags(VALID, TupleTagList.of(REJECTS)));
            valid = unique.get(VALID).setCoder(rowsCoder);
            rejected = PCollectionList.of(rejected).and(unique.get(REJECTS).setCoder(rejectsCoder))
                    .apply("AllRejects", Flatten.pCollections());
        }

        rejected.apply("WriteRejects", ParDo.of(new WriteLinesFn<>(parts, staging + "/" + REJECTS_DIRECTORY,
                Rejection::toCsv)));
        rejected.apply("SummarizeRejects", Combine.globally(new SummarizeRejectsFn()))
                .apply("WriteRejectsSummary", ParDo.of(new WriteFileFn<>(staging + "/" + REJECTS_SUMMARY,
                        summary -> json(summary.groups()))));

        PCollectionTuple assigned = split(plan, valid);
        List<PCollection<List<CleanRow>>> splits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = Split.NAMES.get(i);
            PCollection<List<CleanRow>> rows = assigned.get(SPLITS.get(i)).setCoder(rowsCoder);
            splits.add(rows);
            rows.apply("Write-" + name, ParDo.of(new WriteLinesFn<>(parts, staging + "/" + name + "/" + DATA,
                    r -> Csv.format(r.values()))));
        }

        // Statistics of each split, merged for all rows: every value is parsed for statistics once.
        Coder<StatisticsAccumulator> accumulatorCoder = SerializableCoder.of(StatisticsAccumulator.class);
        List<PCollection<StatisticsAccumulator>> partial = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            boolean medians = i == Split.TRAIN && plan.impute() == ImputeStrategy.MEDIAN;
            partial.add(splits.get(i).apply("Statistics-" + Split.NAMES.get(i),
                    Combine.globally(new StatisticsFn(plan.output(), medians))).setCoder(accumulatorCoder));
        }
        PCollection<DatasetStatistics> train = partial.get(Split.TRAIN)
                .apply("TrainStatistics", MapElements.via(new ResultFn()))
                .setCoder(SerializableCoder.of(DatasetStatistics.class));
        PCollection<DatasetStatistics> all = PCollectionList.of(partial).apply("AllPartialStatistics", Flatten.pCollections())
                .apply("Statistics", Combine.globally(new MergeStatisticsFn(plan.output())));
        all.apply("WriteStatistics", ParDo.of(new WriteFileFn<>(staging + "/statistics.json", PreparePipeline::json)));
        train.apply("WriteTrainStatistics", ParDo.of(new WriteFileFn<>(staging + "/train-statistics.json",
                PreparePipeline::json)));

        TableSchema schema = plan.output();
        PCollection<Preprocessing> fitted = train.apply("Fit", MapElements.via(new FitFn(plan)))
                .setCoder(SerializableCoder.of(Preprocessing.class));
        fitted.apply("WritePreprocessing", ParDo.of(new WriteFileFn<>(staging + "/" + Preprocessing.FILE,
                Preprocessing::toJson)));
        PCollectionView<Preprocessing> view = fitted.apply("PreprocessingView", View.asSingleton());
        for (int i = 0; i < 3; i++) {
            String name = Split.NAMES.get(i);
            splits.get(i).apply("WriteFeatures-" + name, ParDo.of(new WriteFeaturesFn(view, schema.names(), parts,
                    staging + "/" + name + "/" + FEATURES)).withSideInputs(view));
        }

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
    private static PCollectionTuple split(Plan plan, PCollection<List<CleanRow>> valid) {
        TupleTagList others = TupleTagList.of(SPLITS.get(Split.VALIDATION)).and(SPLITS.get(Split.TEST));
        if (!plan.stratify()) {
            return valid.apply("SplitRows", ParDo.of(new SplitFn(plan.split(), null))
                    .withOutputTags(SPLITS.get(Split.TRAIN), others));
        }
        PCollectionView<Map<String, Split.StratumBounds>> bounds = valid
                .apply("IdsByLabel", ParDo.of(new IdsByLabelFn()))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(StringUtf8Coder.of())))
                .apply("GroupStrata", GroupByKey.create())
                .apply("StratumBounds", ParDo.of(new StratumBoundsFn(plan.split())))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(Split.StratumBounds.class)))
                .apply("StratumBoundsView", View.asMap());
        return valid.apply("SplitStrata", ParDo.of(new SplitFn(plan.split(), bounds)).withSideInputs(bounds)
                .withOutputTags(SPLITS.get(Split.TRAIN), others));
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
     * Cuts every file into chunks of consecutive rows, each with the number of its first row: the line
     * number in a CSV file (the header is line 1), the row number in a Parquet file. Parquet rows become
     * CSV records here, so validation treats both formats alike.
     */
    static final class ReadChunksFn extends DoFn<FileIO.ReadableFile, SourceChunk> {
        private final SourceFormat format;

        ReadChunksFn(SourceFormat format) {
            this.format = format;
        }

        @ProcessElement
        public void process(@Element FileIO.ReadableFile file, OutputReceiver<SourceChunk> out) throws IOException {
            String name = file.getMetadata().resourceId().toString();
            if (format == SourceFormat.PARQUET) {
                Chunker chunker = new Chunker(name, 1, out);
                List<String> fields = new ArrayList<>();
                ParquetTable.forEachRow(name, (row, values) -> {
                    fields.clear();
                    values.forEach(value -> fields.add(value == null ? "" : value));
                    chunker.add(Csv.format(fields));
                });
                chunker.flush();
                return;
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    Channels.newInputStream(file.open()), StandardCharsets.UTF_8), 1 << 16)) {
                reader.readLine();
                Chunker chunker = new Chunker(name, 2, out);
                for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                    chunker.add(text);
                }
                chunker.flush();
            }
        }

        private static final class Chunker {
            private final String file;
            private final OutputReceiver<SourceChunk> out;
            private long first;
            private List<String> lines = new ArrayList<>(CHUNK_ROWS);

            Chunker(String file, long first, OutputReceiver<SourceChunk> out) {
                this.file = file;
                this.first = first;
                this.out = out;
            }

            void add(String line) {
                lines.add(line);
                if (lines.size() == CHUNK_ROWS) {
                    flush();
                }
            }

            void flush() {
                if (!lines.isEmpty()) {
                    out.output(new SourceChunk(file, first, lines));
                    first += lines.size();
                    lines = new ArrayList<>(CHUNK_ROWS);
                }
            }
        }
    }

    static final class ValidateFn extends DoFn<SourceChunk, List<CleanRow>> {
        private final RowValidator validator;
        private final boolean generatedId;
        private final boolean multipleFiles;

        ValidateFn(RowValidator validator, boolean generatedId, boolean multipleFiles) {
            this.validator = validator;
            this.generatedId = generatedId;
            this.multipleFiles = multipleFiles;
        }

        @ProcessElement
        public void process(@Element SourceChunk chunk, MultiOutputReceiver out) {
            List<CleanRow> rows = new ArrayList<>(chunk.lines().size());
            List<Rejection> rejections = new ArrayList<>();
            String prefix = multipleFiles ? fileName(chunk.file()) + ":" : "";
            for (int i = 0; i < chunk.lines().size(); i++) {
                SourceLine line = chunk.line(i);
                RowValidator.Outcome outcome = validator.validate(line, generatedId ? prefix + line.line() : null);
                if (outcome.row() != null) {
                    rows.add(outcome.row());
                } else {
                    rejections.add(outcome.rejection());
                }
            }
            emit(rows, out.get(VALID));
            emit(rejections, out.get(REJECTS));
        }

        private static String fileName(String file) {
            return file.substring(file.lastIndexOf('/') + 1);
        }
    }

    /** Empty chunks carry nothing and would become blank lines in a file. */
    private static <T> void emit(List<T> chunk, DoFn.OutputReceiver<List<T>> out) {
        if (!chunk.isEmpty()) {
            out.output(chunk);
        }
    }

    /** Writes a chunk as one part file of an output, a line per item. */
    static final class WriteLinesFn<T extends Located> extends DoFn<List<T>, Void> {
        private final PartNames parts;
        private final String directory;
        private final SerializableFunction<T, String> line;

        WriteLinesFn(PartNames parts, String directory, SerializableFunction<T, String> line) {
            this.parts = parts;
            this.directory = directory;
            this.line = line;
        }

        @ProcessElement
        public void process(@Element List<T> chunk) throws IOException {
            StringBuilder text = new StringBuilder(chunk.size() * 64);
            for (T item : chunk) {
                text.append(line.apply(item)).append('\n');
            }
            write(directory + "/" + parts.name(chunk.get(0)), text.toString());
        }
    }

    /** Writes the one element of a collection, such as fitted statistics, as a file. */
    static final class WriteFileFn<T> extends DoFn<T, Void> {
        private final String path;
        private final SerializableFunction<T, String> text;

        WriteFileFn(String path, SerializableFunction<T, String> text) {
            this.path = path;
            this.text = text;
        }

        @ProcessElement
        public void process(@Element T element) throws IOException {
            write(path, text.apply(element));
        }
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

        UniqueIdFn(PCollectionView<Map<String, List<Long>>> duplicates, String column) {
            this.duplicates = duplicates;
            this.column = column;
        }

        @ProcessElement
        public void process(ProcessContext context, MultiOutputReceiver out) {
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
            emit(unique, out.get(VALID));
            emit(rejections, out.get(REJECTS));
        }
    }

    /** Counts rejected rows by column and reason, keeping the first places of each. */
    static final class SummarizeRejectsFn extends Combine.CombineFn<List<Rejection>, RejectionSummary, RejectionSummary> {
        @Override
        public RejectionSummary createAccumulator() {
            return new RejectionSummary();
        }

        @Override
        public RejectionSummary addInput(RejectionSummary summary, List<Rejection> chunk) {
            chunk.forEach(summary::add);
            return summary;
        }

        @Override
        public RejectionSummary mergeAccumulators(Iterable<RejectionSummary> summaries) {
            RejectionSummary merged = createAccumulator();
            summaries.forEach(merged::merge);
            return merged;
        }

        @Override
        public RejectionSummary extractOutput(RejectionSummary summary) {
            return summary;
        }

        @Override
        public Coder<RejectionSummary> getAccumulatorCoder(CoderRegistry registry, Coder<List<Rejection>> input) {
            return SerializableCoder.of(RejectionSummary.class);
        }

        @Override
        public Coder<RejectionSummary> getDefaultOutputCoder(CoderRegistry registry, Coder<List<Rejection>> input) {
            return SerializableCoder.of(RejectionSummary.class);
        }
    }

    /** Sends each row of a chunk to its split; with stratum bounds, by its place within its label. */
    static final class SplitFn extends DoFn<List<CleanRow>, List<CleanRow>> {
        private final Split split;
        private final PCollectionView<Map<String, Split.StratumBounds>> bounds;

        SplitFn(Split split, PCollectionView<Map<String, Split.StratumBounds>> bounds) {
            this.split = split;
            this.bounds = bounds;
        }

        @ProcessElement
        public void process(ProcessContext context, MultiOutputReceiver out) {
            Map<String, Split.StratumBounds> strata = bounds == null ? null : context.sideInput(bounds);
            List<List<CleanRow>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (CleanRow row : context.element()) {
                int part = strata == null ? split.assign(row.id()) : split.assign(row.id(), strata.get(row.label()));
                parts.get(part).add(row);
            }
            for (int i = 0; i < 3; i++) {
                emit(parts.get(i), out.get(SPLITS.get(i)));
            }
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

    /** What both statistics combiners share: the accumulator, how accumulators merge, and their coder. */
    abstract static class StatisticsCombineFn<InputT, OutputT> extends Combine.CombineFn<InputT, StatisticsAccumulator, OutputT> {
        private final List<Column> columns;
        private final boolean medians;

        StatisticsCombineFn(TableSchema schema, boolean medians) {
            this.columns = statisticsColumns(schema);
            this.medians = medians;
        }

        @Override
        public StatisticsAccumulator createAccumulator() {
            return new StatisticsAccumulator(columns, medians);
        }

        @Override
        public StatisticsAccumulator mergeAccumulators(Iterable<StatisticsAccumulator> accumulators) {
            StatisticsAccumulator merged = createAccumulator();
            accumulators.forEach(merged::merge);
            return merged;
        }

        @Override
        public Coder<StatisticsAccumulator> getAccumulatorCoder(CoderRegistry registry, Coder<InputT> input) {
            return SerializableCoder.of(StatisticsAccumulator.class);
        }
    }

    /** Mergeable statistics of a collection of chunks; the accumulator is the output, for merging further. */
    static final class StatisticsFn extends StatisticsCombineFn<List<CleanRow>, StatisticsAccumulator> {
        StatisticsFn(TableSchema schema, boolean medians) {
            super(schema, medians);
        }

        @Override
        public StatisticsAccumulator addInput(StatisticsAccumulator accumulator, List<CleanRow> chunk) {
            for (CleanRow row : chunk) {
                accumulator.add(row.values().subList(1, row.values().size()));
            }
            return accumulator;
        }

        @Override
        public StatisticsAccumulator extractOutput(StatisticsAccumulator accumulator) {
            return accumulator;
        }
    }

    /** Merges partial statistics, such as those of the three splits, into the statistics of all their rows. */
    static final class MergeStatisticsFn extends StatisticsCombineFn<StatisticsAccumulator, DatasetStatistics> {
        MergeStatisticsFn(TableSchema schema) {
            super(schema, false);
        }

        @Override
        public StatisticsAccumulator addInput(StatisticsAccumulator accumulator, StatisticsAccumulator partial) {
            accumulator.merge(partial);
            return accumulator;
        }

        @Override
        public DatasetStatistics extractOutput(StatisticsAccumulator accumulator) {
            return accumulator.result();
        }

        @Override
        public Coder<DatasetStatistics> getDefaultOutputCoder(CoderRegistry registry, Coder<StatisticsAccumulator> input) {
            return SerializableCoder.of(DatasetStatistics.class);
        }
    }

    static final class ResultFn extends SimpleFunction<StatisticsAccumulator, DatasetStatistics> {
        @Override
        public DatasetStatistics apply(StatisticsAccumulator accumulator) {
            return accumulator.result();
        }
    }

    static final class FitFn extends SimpleFunction<DatasetStatistics, Preprocessing> {
        private final TableSchema schema;
        private final ImputeStrategy impute;
        private final double constant;
        private final Scaling scaling;
        private final List<String> missingMarkers;

        FitFn(Plan plan) {
            this.schema = plan.output();
            this.impute = plan.impute();
            this.constant = plan.constant();
            this.scaling = plan.scaling();
            this.missingMarkers = List.copyOf(plan.missingMarkers());
        }

        @Override
        public Preprocessing apply(DatasetStatistics train) {
            return Preprocessing.fit(schema, train, impute, constant, scaling, missingMarkers);
        }
    }

    /**
     * Writes a chunk as {@code id, features..., label} lines, transformed with the preprocessing fitted on
     * the training split, as one part file.
     */
    static final class WriteFeaturesFn extends DoFn<List<CleanRow>, Void> {
        private final PCollectionView<Preprocessing> view;
        private final List<String> columns;
        private final PartNames parts;
        private final String directory;

        WriteFeaturesFn(PCollectionView<Preprocessing> view, List<String> columns, PartNames parts, String directory) {
            this.view = view;
            this.columns = List.copyOf(columns);
            this.parts = parts;
            this.directory = directory;
        }

        @ProcessElement
        public void process(ProcessContext context) throws IOException {
            Preprocessing preprocessing = context.sideInput(view);
            Preprocessing.Transformer transformer = preprocessing.bind(columns);
            boolean labelled = preprocessing.label() != null;
            List<CleanRow> chunk = context.element();
            StringBuilder text = new StringBuilder(chunk.size() * 96);
            List<String> fields = new ArrayList<>();
            for (CleanRow row : chunk) {
                float[] features = transformer.apply(row.values());
                fields.clear();
                fields.add(row.id());
                for (float x : features) {
                    fields.add(featureText(x));
                }
                if (labelled) {
                    fields.add(row.label());
                }
                text.append(Csv.format(fields)).append('\n');
            }
            write(directory + "/" + parts.name(chunk.get(0)), text.toString());
        }

        /** {@link Float#toString}, with the one-hot columns' 0 and 1 spelled without formatting them each time. */
        private static String featureText(float x) {
            if (x == 1f) {
                return "1.0";
            }
            return Float.floatToRawIntBits(x) == 0 ? "0.0" : Float.toString(x);
        }
    }
}
