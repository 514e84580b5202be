package dev.fermion.components.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fermion.components.preprocess.DatasetStatistics;
import dev.fermion.components.preprocess.ImputeStrategy;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.preprocess.Scaling;
import dev.fermion.components.preprocess.StatisticsAccumulator;
import dev.fermion.components.table.Csv;
import dev.fermion.components.table.TableSchema;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Partition;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
 * runner can write to; the step copies the results into its artifacts afterwards.
 *
 * <p>Layout under the staging root: {@code <split>/data.csv}, {@code <split>/features.csv} (no header: the
 * one-hot columns are only known once the statistics are), {@code rejects/rejects.csv},
 * {@code preprocessing.json}, {@code statistics.json}, {@code train-statistics.json}, {@code counts.txt}.
 */
final class PreparePipeline {
    static final String REJECTED = "rejected";
    static final int ID_BUCKETS = 16;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final TupleTag<CleanRow> VALID = new TupleTag<>() { };
    private static final TupleTag<Rejection> REJECTS = new TupleTag<>() { };

    /** Everything the pipeline needs, decided by the driver from the step's inputs. */
    record Plan(String source, boolean multipleFiles, TableSchema output, boolean generatedId,
                RowValidator validator, Split split, boolean stratify, ImputeStrategy impute, double constant,
                Scaling scaling, List<String> missingMarkers, String staging) {
    }

    private PreparePipeline() {
    }

    static void run(PipelineOptions options, Plan plan) {
        Pipeline pipeline = Pipeline.create(options);
        CoderRegistry coders = pipeline.getCoderRegistry();
        Coder<CleanRow> rowCoder = SerializableCoder.of(CleanRow.class);
        coders.registerCoderForClass(CleanRow.class, rowCoder);
        coders.registerCoderForClass(Rejection.class, SerializableCoder.of(Rejection.class));
        coders.registerCoderForClass(SourceLine.class, SerializableCoder.of(SourceLine.class));
        coders.registerCoderForClass(DatasetStatistics.class, SerializableCoder.of(DatasetStatistics.class));
        coders.registerCoderForClass(Preprocessing.class, SerializableCoder.of(Preprocessing.class));

        PCollection<SourceLine> lines = pipeline
                .apply("MatchSource", FileIO.match().filepattern(plan.source()))
                .apply("OpenFiles", FileIO.readMatches())
                .apply("ReadLines", ParDo.of(new ReadLinesFn()));

        PCollectionTuple checked = lines.apply("Validate", ParDo.of(new ValidateFn(plan.validator(),
                plan.generatedId(), plan.multipleFiles())).withOutputTags(VALID, TupleTagList.of(REJECTS)));
        PCollection<CleanRow> valid = checked.get(VALID).setCoder(rowCoder);
        PCollection<Rejection> rejected = checked.get(REJECTS);
        if (!plan.generatedId()) {
            PCollectionView<Map<String, List<Long>>> duplicates = valid
                    .apply("IdBuckets", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(),
                                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs())))
                            .via(row -> KV.of(Math.floorMod(row.id().hashCode(), ID_BUCKETS), KV.of(row.id(), row.line()))))
                    .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())))
                    .apply("FindDuplicateIds", Combine.perKey(new DuplicateIdsFn()))
                    .apply("DuplicateIds", ParDo.of(new EntriesFn()))
                    .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(VarLongCoder.of())))
                    .apply("DuplicateIdsView", View.asMap());
            PCollectionTuple unique = valid.apply("RejectDuplicateIds", ParDo.of(new UniqueIdFn(duplicates,
                    plan.output().id())).withSideInputs(duplicates).withOutputTags(VALID, TupleTagList.of(REJECTS)));
            valid = unique.get(VALID).setCoder(rowCoder);
            rejected = PCollectionList.of(rejected).and(unique.get(REJECTS)).apply("AllRejects", Flatten.pCollections());
        }

        rejected.apply("RejectsToCsv", MapElements.into(TypeDescriptors.strings()).via(Rejection::toCsv))
                .apply("WriteRejects", csv(plan.staging() + "/rejects/rejects", Csv.format(Rejection.HEADER)));

        PCollection<KV<Integer, CleanRow>> assigned = plan.stratify()
                ? valid.apply("ByLabel", WithKeys.of(CleanRow::label).withKeyType(TypeDescriptors.strings()))
                        .setCoder(KvCoder.of(StringUtf8Coder.of(), rowCoder))
                        .apply("GroupStrata", GroupByKey.create())
                        .apply("SplitStrata", ParDo.of(new StratifiedSplitFn(plan.split())))
                : valid.apply("SplitRows", ParDo.of(new SplitFn(plan.split())));
        PCollectionList<KV<Integer, CleanRow>> parts = assigned
                .setCoder(KvCoder.of(VarIntCoder.of(), rowCoder))
                .apply("Partition", Partition.of(3, (KV<Integer, CleanRow> row, int n) -> row.getKey()));

        List<PCollection<String>> counts = new ArrayList<>();
        List<PCollection<CleanRow>> splits = new ArrayList<>();
        String header = Csv.format(plan.output().names());
        for (int i = 0; i < 3; i++) {
            String name = Split.NAMES.get(i);
            PCollection<CleanRow> rows = parts.get(i).apply("Rows-" + name, Values.create());
            splits.add(rows);
            rows.apply("ToCsv-" + name, MapElements.into(TypeDescriptors.strings()).via(r -> Csv.format(r.values())))
                    .apply("Write-" + name, csv(plan.staging() + "/" + name + "/data", header));
            counts.add(count(rows, name));
        }
        counts.add(count(rejected, REJECTED));
        PCollectionList.of(counts).apply("AllCounts", Flatten.pCollections())
                .apply("WriteCounts", TextIO.write().to(plan.staging() + "/counts").withSuffix(".txt").withoutSharding());

        PCollection<DatasetStatistics> all = valid.apply("Statistics",
                Combine.globally(new StatisticsFn(plan.output(), false)));
        PCollection<DatasetStatistics> train = splits.get(Split.TRAIN).apply("TrainStatistics",
                Combine.globally(new StatisticsFn(plan.output(), true)));
        writeJson(all, "statistics", plan.staging());
        writeJson(train, "train-statistics", plan.staging());

        TableSchema schema = plan.output();
        PCollection<Preprocessing> fitted = train.apply("Fit", MapElements.via(new FitFn(plan)));
        fitted.apply("PreprocessingToJson", MapElements.into(TypeDescriptors.strings()).via(Preprocessing::toJson))
                .apply("WritePreprocessing", TextIO.write().to(plan.staging() + "/preprocessing")
                        .withSuffix(".json").withoutSharding());
        PCollectionView<Preprocessing> view = fitted.apply("PreprocessingView", View.asSingleton());
        for (int i = 0; i < 3; i++) {
            String name = Split.NAMES.get(i);
            splits.get(i).apply("Transform-" + name, ParDo.of(new TransformFn(view, schema.names()))
                            .withSideInputs(view))
                    .apply("WriteFeatures-" + name, TextIO.write().to(plan.staging() + "/" + name + "/features")
                            .withSuffix(".csv").withoutSharding());
        }

        PipelineResult.State state;
        try {
            state = pipeline.run().waitUntilFinish();
        } catch (Pipeline.PipelineExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Data preparation pipeline failed: " + cause.getMessage(), cause);
        }
        if (state != PipelineResult.State.DONE) {
            throw new IllegalStateException("Data preparation pipeline ended in state " + state
                    + "; see the runner's logs for the failing transform");
        }
    }

    private static TextIO.Write csv(String prefix, String header) {
        return TextIO.write().to(prefix).withSuffix(".csv").withoutSharding().withHeader(header);
    }

    private static <T> PCollection<String> count(PCollection<T> rows, String name) {
        return rows.apply("Count-" + name, Count.globally())
                .apply("Label-" + name, MapElements.into(TypeDescriptors.strings()).via(n -> name + "=" + n));
    }

    private static void writeJson(PCollection<DatasetStatistics> stats, String name, String staging) {
        stats.apply("ToJson-" + name, MapElements.into(TypeDescriptors.strings()).via(PreparePipeline::json))
                .apply("Write-" + name, TextIO.write().to(staging + "/" + name).withSuffix(".json").withoutSharding());
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Emits every line after the header with its file and line number. */
    static final class ReadLinesFn extends DoFn<FileIO.ReadableFile, SourceLine> {
        @ProcessElement
        public void process(@Element FileIO.ReadableFile file, OutputReceiver<SourceLine> out) throws IOException {
            String name = file.getMetadata().resourceId().toString();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    Channels.newInputStream(file.open()), StandardCharsets.UTF_8))) {
                long line = 1;
                reader.readLine();
                for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                    line++;
                    out.output(new SourceLine(name, line, text));
                }
            }
        }
    }

    static final class ValidateFn extends DoFn<SourceLine, CleanRow> {
        private final RowValidator validator;
        private final boolean generatedId;
        private final boolean multipleFiles;

        ValidateFn(RowValidator validator, boolean generatedId, boolean multipleFiles) {
            this.validator = validator;
            this.generatedId = generatedId;
            this.multipleFiles = multipleFiles;
        }

        @ProcessElement
        public void process(@Element SourceLine line, MultiOutputReceiver out) {
            String id = !generatedId ? null : multipleFiles
                    ? fileName(line.file()) + ":" + line.line() : Long.toString(line.line());
            RowValidator.Outcome outcome = validator.validate(line, id);
            if (outcome.row() != null) {
                out.get(VALID).output(outcome.row());
            } else {
                out.get(REJECTS).output(outcome.rejection());
            }
        }

        private static String fileName(String file) {
            return file.substring(file.lastIndexOf('/') + 1);
        }
    }

    /**
     * Finds ids that occur more than once, with their lines. Ids are spread over {@link #ID_BUCKETS} keys by
     * hash: few enough that the DirectRunner, which pays for every key group, stays fast, and enough to
     * spread the work over the workers of a distributed runner.
     */
    static final class DuplicateIdsFn extends Combine.CombineFn<KV<String, Long>, Map<String, List<Long>>,
            Map<String, List<Long>>> {
        @Override
        public Map<String, List<Long>> createAccumulator() {
            return new HashMap<>();
        }

        @Override
        public Map<String, List<Long>> addInput(Map<String, List<Long>> accumulator, KV<String, Long> id) {
            accumulator.computeIfAbsent(id.getKey(), k -> new ArrayList<>()).add(id.getValue());
            return accumulator;
        }

        @Override
        public Map<String, List<Long>> mergeAccumulators(Iterable<Map<String, List<Long>>> accumulators) {
            Map<String, List<Long>> merged = new HashMap<>();
            for (Map<String, List<Long>> accumulator : accumulators) {
                accumulator.forEach((id, lines) -> merged.computeIfAbsent(id, k -> new ArrayList<>()).addAll(lines));
            }
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
        public Coder<Map<String, List<Long>>> getAccumulatorCoder(CoderRegistry registry, Coder<KV<String, Long>> input) {
            return MapCoder.of(StringUtf8Coder.of(), ListCoder.of(VarLongCoder.of()));
        }

        @Override
        public Coder<Map<String, List<Long>>> getDefaultOutputCoder(CoderRegistry registry, Coder<KV<String, Long>> input) {
            return MapCoder.of(StringUtf8Coder.of(), ListCoder.of(VarLongCoder.of()));
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
    static final class UniqueIdFn extends DoFn<CleanRow, CleanRow> {
        private final PCollectionView<Map<String, List<Long>>> duplicates;
        private final String column;

        UniqueIdFn(PCollectionView<Map<String, List<Long>>> duplicates, String column) {
            this.duplicates = duplicates;
            this.column = column;
        }

        @ProcessElement
        public void process(ProcessContext context, MultiOutputReceiver out) {
            CleanRow row = context.element();
            List<Long> lines = context.sideInput(duplicates).get(row.id());
            if (lines == null) {
                out.get(VALID).output(row);
                return;
            }
            out.get(REJECTS).output(new Rejection(row.file(), row.line(), column, "id '" + row.id() + "' occurs "
                    + lines.size() + " times (lines " + lines.stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + "); ids must be unique", Csv.format(row.values())));
        }
    }

    static final class SplitFn extends DoFn<CleanRow, KV<Integer, CleanRow>> {
        private final Split split;

        SplitFn(Split split) {
            this.split = split;
        }

        @ProcessElement
        public void process(@Element CleanRow row, OutputReceiver<KV<Integer, CleanRow>> out) {
            out.output(KV.of(split.assign(row.id()), row));
        }
    }

    /** Holds one class's rows at a time, which bounds stratified splits by the size of the largest class. */
    static final class StratifiedSplitFn extends DoFn<KV<String, Iterable<CleanRow>>, KV<Integer, CleanRow>> {
        private final Split split;

        StratifiedSplitFn(Split split) {
            this.split = split;
        }

        @ProcessElement
        public void process(@Element KV<String, Iterable<CleanRow>> stratum, OutputReceiver<KV<Integer, CleanRow>> out) {
            List<CleanRow> rows = new ArrayList<>();
            stratum.getValue().forEach(rows::add);
            int[] splits = split.assignStratum(rows.stream().map(CleanRow::id).toList());
            for (int i = 0; i < rows.size(); i++) {
                out.output(KV.of(splits[i], rows.get(i)));
            }
        }
    }

    static final class StatisticsFn extends Combine.CombineFn<CleanRow, StatisticsAccumulator, DatasetStatistics> {
        private final TableSchema schema;
        private final boolean medians;

        StatisticsFn(TableSchema schema, boolean medians) {
            this.schema = schema;
            this.medians = medians;
        }

        @Override
        public StatisticsAccumulator createAccumulator() {
            return new StatisticsAccumulator(schema.columns(), medians);
        }

        @Override
        public StatisticsAccumulator addInput(StatisticsAccumulator accumulator, CleanRow row) {
            accumulator.add(row.values());
            return accumulator;
        }

        @Override
        public StatisticsAccumulator mergeAccumulators(Iterable<StatisticsAccumulator> accumulators) {
            StatisticsAccumulator merged = createAccumulator();
            accumulators.forEach(merged::merge);
            return merged;
        }

        @Override
        public DatasetStatistics extractOutput(StatisticsAccumulator accumulator) {
            return accumulator.result();
        }

        @Override
        public Coder<StatisticsAccumulator> getAccumulatorCoder(CoderRegistry registry, Coder<CleanRow> input) {
            return SerializableCoder.of(StatisticsAccumulator.class);
        }

        @Override
        public Coder<DatasetStatistics> getDefaultOutputCoder(CoderRegistry registry, Coder<CleanRow> input) {
            return SerializableCoder.of(DatasetStatistics.class);
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

    /** Writes {@code id, features..., label} with the preprocessing fitted on the training split. */
    static final class TransformFn extends DoFn<CleanRow, String> {
        private final PCollectionView<Preprocessing> view;
        private final List<String> columns;

        TransformFn(PCollectionView<Preprocessing> view, List<String> columns) {
            this.view = view;
            this.columns = List.copyOf(columns);
        }

        @ProcessElement
        public void process(ProcessContext context) {
            Preprocessing preprocessing = context.sideInput(view);
            CleanRow row = context.element();
            float[] features = preprocessing.bind(columns).apply(row.values());
            List<String> fields = new ArrayList<>(features.length + 2);
            fields.add(row.id());
            for (float x : features) {
                fields.add(Float.toString(x));
            }
            if (preprocessing.label() != null) {
                fields.add(row.label());
            }
            context.output(Csv.format(fields));
        }
    }
}
