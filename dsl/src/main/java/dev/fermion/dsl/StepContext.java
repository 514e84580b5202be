package dev.fermion.dsl;

import dev.fermion.types.Artifact;
import java.nio.file.Path;

/**
 * Everything a component sees of the world while it runs. The same implementation backs local runs and
 * pods, so a component cannot tell where it runs.
 */
public interface StepContext extends StepInputs {

    /** Sets a parameter output. Every declared parameter output must be set before {@code run} returns. */
    <T> void put(Output<T> output, T value);

    /** The empty directory to fill with an artifact output; calling it twice returns the same artifact. */
    <A extends Artifact> A output(Output<A> output);

    /** Records a metric; {@code step} orders values of the same key (an epoch, a batch). */
    void metric(String key, double value, long step);

    default void metric(String key, double value) {
        metric(key, value, 0);
    }

    /** Records a data set the step read from outside the pipeline, so that its tracking run shows it as an input. */
    void source(SourceDataset dataset);

    /** Writes a line to the step's log (stdout, which Argo and the local runner both keep). */
    void log(String format, Object... args);

    /** A private scratch directory that lives as long as the step attempt. */
    Path workDir();

    String pipelineName();

    String stepName();

    String runId();

    /** 1 for the first attempt, incremented on each retry. */
    int attempt();
}
