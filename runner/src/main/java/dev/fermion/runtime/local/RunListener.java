package dev.fermion.runtime.local;

import dev.fermion.plan.ComponentSpec;
import java.util.List;
import java.util.Map;

/**
 * Hears about a run while it happens (the terminal view, experiment tracking, tests). Calls come from
 * runner threads, possibly several at once; implementations must be thread-safe and quick, since the
 * runner waits for them.
 *
 * <p>For each step (kind {@code step}, not loops or sub-pipeline calls) the order is: {@code stepStarted}
 * once its inputs are resolved, {@code stepMetric} for what each attempt reports, while it runs (read from
 * the attempt's metrics file about every second, from a timer thread), then {@code stepFinished}. Cached steps
 * and steps kept from the run being resumed get {@code stepStarted} (saying so) and {@code stepFinished};
 * steps that never got their inputs (skipped, omitted, unresolvable) only {@code stepFinished}.
 */
public interface RunListener {
    RunListener NONE = new RunListener() {};

    default void runStarted(RunRecord run) {}

    /** Any change of any node's record, for showing progress. */
    default void stepChanged(StepRecord step) {}

    /**
     * @param inputs    parameter inputs, ValueCodec-encoded
     * @param artifacts artifact inputs with their digests
     * @param reused    the step does not run now: its result comes from the cache or from the run being resumed
     */
    default void stepStarted(
            String path,
            ComponentSpec component,
            Map<String, String> inputs,
            List<PortArtifact> artifacts,
            boolean reused) {}

    /** A data set the step reported reading from outside the pipeline, told when the attempt ended. */
    default void stepSource(String path, dev.fermion.dsl.SourceDataset dataset) {}

    /** A metric the step reported, delivered after the attempt that reported it ended. */
    default void stepMetric(String path, StepMetric metric) {}

    /**
     * @param step       the finished record: status, parameter outputs, {@code cacheHit}, {@code resumed}
     * @param artifacts  artifact outputs with their digests; empty unless the step succeeded
     * @param cachedFrom the run that computed a cached result, or null (not cached, or not known)
     */
    default void stepFinished(StepRecord step, List<PortArtifact> artifacts, String cachedFrom) {}

    default void runFinished(RunRecord run) {}

    /** Tells every one of {@code listeners}, in order. */
    static RunListener all(RunListener... listeners) {
        List<RunListener> each = List.of(listeners);
        return new RunListener() {
            @Override
            public void runStarted(RunRecord run) {
                each.forEach(l -> l.runStarted(run));
            }

            @Override
            public void stepChanged(StepRecord step) {
                each.forEach(l -> l.stepChanged(step));
            }

            @Override
            public void stepStarted(
                    String path,
                    ComponentSpec component,
                    Map<String, String> inputs,
                    List<PortArtifact> artifacts,
                    boolean reused) {
                each.forEach(l -> l.stepStarted(path, component, inputs, artifacts, reused));
            }

            @Override
            public void stepSource(String path, dev.fermion.dsl.SourceDataset dataset) {
                each.forEach(l -> l.stepSource(path, dataset));
            }

            @Override
            public void stepMetric(String path, StepMetric metric) {
                each.forEach(l -> l.stepMetric(path, metric));
            }

            @Override
            public void stepFinished(StepRecord step, List<PortArtifact> artifacts, String cachedFrom) {
                each.forEach(l -> l.stepFinished(step, artifacts, cachedFrom));
            }

            @Override
            public void runFinished(RunRecord run) {
                each.forEach(l -> l.runFinished(run));
            }
        };
    }
}
