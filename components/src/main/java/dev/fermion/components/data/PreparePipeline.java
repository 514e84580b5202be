package dev.fermion.components.data;

import dev.fermion.components.preprocess.ImputeStrategy;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.preprocess.Scaling;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.TableSchema;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;

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
 * <p>A chunk passes through few transforms, each doing all it can with the rows at hand: {@link ValidateRows}
 * writes the chunk's rejected rows, {@link SplitRows} writes its three parts of {@code data.csv} and adds the
 * rows to the statistics of their split, {@link FitPreprocessing} adds up the statistics and fits, and
 * {@link WriteFeatures} writes the features of all three splits. Where a row's split depends on nothing but
 * its generated id, ValidateRows splits the chunk itself (and {@link DropDuplicateIds}, which only ids that
 * can repeat need, is left out), and what waits for the fit is the compact {@link FeatureRows} of each split,
 * not the validated rows. The DirectRunner translates a transform's function to its portable form twice for
 * every bundle it processes (Java serialization, then the JIT compiling it), so each transform a chunk passes
 * costs far more than the work it does; the statistics and the rejected rows travel together as
 * {@link PrepareTotals} through a single combine.
 *
 * <p>Every value that passes between transforms has a coder written for it ({@link CleanRow#CODER},
 * {@link SplitChunk#CODER}, {@link Split.StratumBounds#CODER}, {@link PreprocessingCoder}, the totals'
 * {@link PrepareTotals.Layout#coder}): fields in a fixed order, so equal values encode to equal bytes on
 * every runner, and none of the class descriptors that Java serialization writes with every element.
 *
 * <p>Layout under the staging root: {@code <split>/data/part-*.csv}, {@code <split>/features/part-*.csv},
 * {@code rejects/part-*.csv} (all without header), {@code preprocessing.json}, {@code statistics.json},
 * {@code train-statistics.json}, {@code rejects-summary.json}, {@code counts.json}.
 */
final class PreparePipeline {
    static final int CHUNK_ROWS = 65_536;
    static final String DATA = "data";
    static final String FEATURES = "features";
    static final String REJECTS_DIRECTORY = "rejects";
    /** Rejected rows by column and reason: {@link RejectionSummary.Group}s as JSON. */
    static final String REJECTS_SUMMARY = "rejects-summary.json";
    /** The rows of each output: {@link Counts} as JSON. */
    static final String COUNTS = "counts.json";

    /** Everything the pipeline needs, decided by the driver from the step's inputs. */
    record Plan(
            SourceFormat format,
            List<String> files,
            List<SourcePart> parts,
            TableSchema output,
            boolean generatedId,
            RowValidator validator,
            Split split,
            boolean stratify,
            ImputeStrategy impute,
            double constant,
            Scaling scaling,
            List<String> missingMarkers,
            String staging) {
        Plan {
            files = List.copyOf(files);
            parts = List.copyOf(parts);
            missingMarkers = List.copyOf(missingMarkers);
        }
    }

    /** The rows of each output, which the step reports. */
    record Counts(long train, long validation, long test, long rejected) {}

    private PreparePipeline() {}

    static void run(PipelineOptions options, Plan plan) {
        Pipeline pipeline = Pipeline.create(options);
        StagingArea staging = new StagingArea(plan.staging(), new PartNames(plan.files()));
        PrepareTotals.Layout totals = PrepareTotals.Layout.of(plan.output(), plan.impute() == ImputeStrategy.MEDIAN);
        Splitter splitter = new Splitter(plan.split(), staging, numericColumns(plan.output()));

        // The parts are known before the pipeline starts (SourceFiles.Scan), so every worker reads and
        // validates parts of the source from the start: no single worker reads a file while others wait.
        // Rows whose split needs nothing but their own id (generated ids, which cannot repeat, and no
        // stratification) are split as soon as they are valid.
        boolean splitAtOnce = plan.generatedId() && !plan.stratify();
        PCollectionTuple validated = pipeline.apply(
                        "Parts", Create.of(plan.parts()).withCoder(SourcePart.CODER))
                .apply(
                        "ValidateRows",
                        new ValidateRows(
                                plan.format(),
                                plan.validator(),
                                plan.generatedId(),
                                plan.files().size() > 1,
                                staging,
                                totals,
                                splitAtOnce ? splitter : null));
        PCollectionList<PrepareTotals> chunkTotals = PCollectionList.of(validated.get(ChunkTags.TOTALS));
        PCollection<SplitChunk> split = validated.get(ChunkTags.SPLIT);
        if (!splitAtOnce) {
            PCollection<List<CleanRow>> valid = validated.get(ChunkTags.VALID);
            if (!plan.generatedId()) {
                PCollectionTuple unique = valid.apply(
                        "DropDuplicateIds", new DropDuplicateIds(plan.output().id(), staging, totals));
                valid = unique.get(ChunkTags.VALID);
                chunkTotals = chunkTotals.and(unique.get(ChunkTags.TOTALS));
            }
            PCollectionTuple placed =
                    valid.apply("SplitRows", new SplitRows(plan.split(), plan.stratify(), splitter, totals));
            // Validation wrote nothing to its own SPLIT output; the split chunks come from here.
            split = placed.get(ChunkTags.SPLIT);
            chunkTotals = chunkTotals.and(placed.get(ChunkTags.TOTALS));
        }
        PCollectionView<Preprocessing> fitted =
                chunkTotals.apply("FitPreprocessing", new FitPreprocessing(plan, staging, totals));
        split.apply("WriteFeatures", new WriteFeatures(fitted, plan.output().names(), staging));

        runToTheEnd(pipeline, plan.staging());
    }

    /**
     * Runs the pipeline on the runner its options name and waits for it; on failure, first lets the writes
     * in flight under the staging root finish ({@link StagingGate}), then reports the transform's own error.
     */
    private static void runToTheEnd(Pipeline pipeline, String staging) {
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

    /** Which columns of the output, in order, are numeric. */
    private static boolean[] numericColumns(TableSchema output) {
        boolean[] numeric = new boolean[output.columns().size()];
        for (int i = 0; i < numeric.length; i++) {
            numeric[i] = output.columns().get(i).type() == ColumnType.NUMERIC;
        }
        return numeric;
    }
}
