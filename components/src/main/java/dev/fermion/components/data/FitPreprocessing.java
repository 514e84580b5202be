package dev.fermion.components.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fermion.components.preprocess.DatasetStatistics;
import dev.fermion.components.preprocess.ImputeStrategy;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.preprocess.Scaling;
import dev.fermion.components.preprocess.StatisticsAccumulator;
import dev.fermion.components.table.TableSchema;
import java.io.IOException;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Adds up the totals of every chunk in one combine, writes them (statistics of all rows and of the training
 * split, the rejected rows by column and reason, the counts) and fits the preprocessing on the training
 * split's statistics, which it writes too and hands on as a side input for the feature transform of every chunk.
 */
final class FitPreprocessing extends PTransform<PCollectionList<PrepareTotals>, PCollectionView<Preprocessing>> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final PrepareTotals.Layout totals;
    private final FitFn fit;

    FitPreprocessing(PreparePipeline.Plan plan, StagingArea staging, PrepareTotals.Layout totals) {
        this.totals = totals;
        this.fit = new FitFn(plan, staging, totals);
    }

    @Override
    public PCollectionView<Preprocessing> expand(PCollectionList<PrepareTotals> chunks) {
        return chunks.apply("AllTotals", Flatten.pCollections())
                .apply("Totals", Combine.globally(new TotalsFn(totals)))
                .apply("Fit", ParDo.of(fit))
                .setCoder(PreprocessingCoder.INSTANCE)
                .apply("PreprocessingView", View.asSingleton());
    }

    /** Adds up the totals of every chunk. */
    private static final class TotalsFn extends Combine.CombineFn<PrepareTotals, PrepareTotals, PrepareTotals> {
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

    private static final class FitFn extends DoFn<PrepareTotals, Preprocessing> {
        private final TableSchema schema;
        private final PrepareTotals.Layout layout;
        private final ImputeStrategy impute;
        private final double constant;
        private final Scaling scaling;
        private final List<String> missingMarkers;
        private final StagingArea staging;

        FitFn(PreparePipeline.Plan plan, StagingArea staging, PrepareTotals.Layout layout) {
            this.schema = plan.output();
            this.layout = layout;
            this.impute = plan.impute();
            this.constant = plan.constant();
            this.scaling = plan.scaling();
            this.missingMarkers = List.copyOf(plan.missingMarkers());
            this.staging = staging;
        }

        @ProcessElement
        public void process(@Element PrepareTotals totals, OutputReceiver<Preprocessing> out) throws IOException {
            StatisticsAccumulator all = new StatisticsAccumulator(layout.columns(), false);
            long[] rows = new long[3];
            for (int i = 0; i < 3; i++) {
                all.merge(totals.split(i));
                rows[i] = totals.split(i).rows();
            }
            DatasetStatistics train = totals.split(Split.TRAIN).result();
            staging.write("statistics.json", json(all.result()));
            staging.write("train-statistics.json", json(train));
            staging.write(PreparePipeline.REJECTS_SUMMARY, json(totals.rejects().groups()));
            staging.write(
                    PreparePipeline.COUNTS,
                    json(new PreparePipeline.Counts(
                            rows[Split.TRAIN], rows[Split.VALIDATION], rows[Split.TEST], totals.rejectedRows())));
            Preprocessing preprocessing = Preprocessing.fit(schema, train, impute, constant, scaling, missingMarkers);
            staging.write(Preprocessing.FILE, preprocessing.toJson());
            out.output(preprocessing);
        }

        private static String json(Object value) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(
                        "Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
            }
        }
    }
}
