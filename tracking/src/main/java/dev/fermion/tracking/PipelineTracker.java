package dev.fermion.tracking;

import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Plan;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Hears about one pipeline run as the runner executes it and records it in an experiment tracker. Calls
 * return at once (recording happens in the background) and may come from several runner threads. Steps
 * are named by their path in the run ({@code train}, {@code sweep/2/train}).
 *
 * <p>Order per run: {@code runStarted}, then for each step {@code stepStarted}, any {@code stepMetric}s,
 * {@code stepFinished} (a cached or skipped step may be reported by {@code stepFinished} alone, without
 * params or component tags; a step reported as reused is recorded when it finishes, with the times it is
 * given then), then
 * {@code runFinished} once.
 */
public interface PipelineTracker {

    /** {@code params} are the pipeline parameters' values as text (ValueCodec-encoded). */
    void runStarted(Plan plan, String runId, Map<String, String> params);

    /**
     * @param inputs    parameter inputs' values as text; they become the step run's params
     * @param artifacts artifact inputs; data sets are also logged as the run's data set inputs
     * @param reused    the step does not run now (a cached result, or one kept from the run being resumed):
     *                  a run tracked for it earlier is kept; otherwise an earlier session's run becomes history
     */
    void stepStarted(
            String step,
            ComponentSpec component,
            Map<String, String> inputs,
            List<StepArtifact> artifacts,
            boolean reused);

    /** A step that runs now. */
    default void stepStarted(
            String step, ComponentSpec component, Map<String, String> inputs, List<StepArtifact> artifacts) {
        stepStarted(step, component, inputs, artifacts, false);
    }

    /** A data set the step reported reading from outside the pipeline. */
    default void stepSource(String step, dev.fermion.dsl.SourceDataset dataset) {}

    /** A metric the step reported; {@code index} orders values of one key (epoch, batch). */
    void stepMetric(String step, String key, double value, long index, long timestampMillis);

    /**
     * @param outputs     parameter outputs' values as text
     * @param artifacts   artifact outputs; uploaded, and {@code Model}s logged as models, unless cached
     * @param cached      the results were reused from an earlier run, {@code sourceRunId}, not computed
     * @param sourceRunId the Fermion run that produced cached results, or null
     * @param startMillis when the step started, as its run's record says: for a step kept from the run being
     *                    resumed, when the earlier session's attempt that ran it started
     * @param endMillis   when the step ended, as its run's record says
     */
    void stepFinished(
            String step,
            StepOutcome outcome,
            Map<String, String> outputs,
            List<StepArtifact> artifacts,
            boolean cached,
            String sourceRunId,
            long startMillis,
            long endMillis);

    /** A step that ends now. */
    default void stepFinished(
            String step,
            StepOutcome outcome,
            Map<String, String> outputs,
            List<StepArtifact> artifacts,
            boolean cached,
            String sourceRunId) {
        long now = System.currentTimeMillis();
        stepFinished(step, outcome, outputs, artifacts, cached, sourceRunId, now, now);
    }

    /**
     * Registers the model output {@code output} of {@code step} (reported by {@code stepFinished}) as a new
     * version of {@code registeredName}, and points {@code alias} (such as {@code champion}) at it; alias
     * may be null.
     */
    void registerModel(String step, String output, String registeredName, String alias);

    /**
     * Waits until what was reported so far has been sent to the tracker (or spooled), at most
     * {@code timeout}; false when it ran out. Steps never need this; it is for showing links mid-run.
     */
    boolean flush(Duration timeout);

    /** Ends the run, waits a bounded time for the background sender, and says what was recorded. */
    /**
     * Ends the run; {@code results} are the pipeline's declared results (ValueCodec-encoded), shown on the run:
     * numbers as metrics, every one as a {@code fermion.result.*} tag.
     */
    TrackingSummary runFinished(StepOutcome outcome, Map<String, String> results);

    default TrackingSummary runFinished(StepOutcome outcome) {
        return runFinished(outcome, Map.of());
    }

    /** UI pages of what has reached the server so far. */
    UiLinks uiLinks();
}
