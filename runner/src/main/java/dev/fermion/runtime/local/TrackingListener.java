package dev.fermion.runtime.local;

import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Plan;
import dev.fermion.tracking.PipelineTracker;
import dev.fermion.tracking.StepArtifact;
import dev.fermion.tracking.StepOutcome;
import dev.fermion.tracking.TrackingSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Records a local run in an experiment tracker: the runner's events, passed on to a {@link PipelineTracker}.
 * The runner applies it to every run whose options ask for {@link Tracking}, whoever started the run.
 *
 * <p>Tracking must never cost a run: the tracker spools what MLflow does not take, and should the tracker
 * itself throw, this listener warns once and stops tracking while the run goes on.
 */
final class TrackingListener implements RunListener {
    private final PipelineTracker tracker;
    private final Plan plan;
    private final Consumer<String> warnings;
    private volatile boolean started;
    private volatile boolean broken;

    TrackingListener(PipelineTracker tracker, Plan plan, Consumer<String> warnings) {
        this.tracker = tracker;
        this.plan = plan;
        this.warnings = warnings;
    }

    @Override
    public void runStarted(RunRecord run) {
        guard(() -> {
            tracker.runStarted(plan, run.runId(), run.params());
            started = true;
        });
    }

    @Override
    public void stepStarted(
            String path,
            ComponentSpec component,
            Map<String, String> inputs,
            List<PortArtifact> artifacts,
            boolean reused) {
        guard(() -> tracker.stepStarted(path, component, inputs, tracked(artifacts), reused));
    }

    @Override
    public void stepSource(String path, dev.fermion.dsl.SourceDataset dataset) {
        guard(() -> tracker.stepSource(path, dataset));
    }

    @Override
    public void stepMetric(String path, StepMetric metric) {
        guard(() -> tracker.stepMetric(path, metric.key(), metric.value(), metric.step(), metric.timestampMillis()));
    }

    @Override
    public void stepFinished(StepRecord step, List<PortArtifact> artifacts, String cachedFrom) {
        // A step kept from the run being resumed was computed by this run, so it is reported as not cached: its
        // child run is found again by key and its uploads repeat the same files, whether or not it was tracked then.
        // The times are the record's, which for such a step are those of the attempt that ran it.
        guard(() -> tracker.stepFinished(
                step.path(),
                outcome(step.status()),
                step.outputs(),
                tracked(artifacts),
                step.cacheHit(),
                cachedFrom,
                Instant.parse(step.startedAt()).toEpochMilli(),
                Instant.parse(step.finishedAt()).toEpochMilli()));
    }

    /** Registers {@code step}'s model output {@code output}; call before {@link #finish}. */
    void registerModel(String step, String output, String name, String alias) {
        guard(() -> tracker.registerModel(step, output, name, alias));
    }

    /**
     * Ends the tracked run and waits (boundedly) for what is still being sent; null when tracking never
     * started or broke.
     */
    TrackingSummary finish(RunRecord run) {
        if (!started || broken) {
            return null;
        }
        try {
            return tracker.runFinished(
                    run.status() == RunStatus.SUCCEEDED ? StepOutcome.SUCCEEDED : StepOutcome.FAILED, run.results());
        } catch (RuntimeException e) {
            warn(e);
            return null;
        }
    }

    static StepOutcome outcome(StepStatus status) {
        switch (status) {
            case SUCCEEDED:
                return StepOutcome.SUCCEEDED;
            case FAILED:
            case ERROR:
                return StepOutcome.FAILED;
            case SKIPPED:
            case OMITTED:
                return StepOutcome.SKIPPED;
            default:
                return StepOutcome.CANCELLED;
        }
    }

    private static List<StepArtifact> tracked(List<PortArtifact> artifacts) {
        return artifacts.stream()
                .map(a -> new StepArtifact(a.name(), a.artifact(), a.digest()))
                .toList();
    }

    private void guard(Runnable call) {
        if (broken) {
            return;
        }
        try {
            call.run();
        } catch (RuntimeException e) {
            warn(e);
        }
    }

    private synchronized void warn(RuntimeException e) {
        if (!broken) {
            broken = true;
            warnings.accept(
                    "MLflow tracking stopped (" + e.getMessage() + "); the run goes on and is recorded locally");
        }
    }
}
