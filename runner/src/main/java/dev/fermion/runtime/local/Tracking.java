package dev.fermion.runtime.local;

import dev.fermion.tracking.PipelineTracker;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where a local run is recorded besides the Fermion home, and the model it registers: the same policy for a run
 * started by {@code fermion run}, by {@link LocalRunner} from Java code, or by a pipeline test.
 *
 * @param tracker      records the run, its steps, metrics, artifacts and models (MLflow's {@code MlflowTracker})
 * @param registration the model registered when the run succeeds; may be null
 * @param warnings     told once when tracking stops mid-run (the run goes on); never told secrets
 */
public record Tracking(PipelineTracker tracker, ModelRegistration registration, Consumer<String> warnings) {
    public Tracking {
        Objects.requireNonNull(tracker, "tracker");
        warnings = warnings == null ? message -> {} : warnings;
    }

    public static Tracking to(PipelineTracker tracker) {
        return new Tracking(tracker, null, null);
    }

    public Tracking registering(ModelRegistration value) {
        return new Tracking(tracker, value, warnings);
    }

    public Tracking warningsTo(Consumer<String> value) {
        return new Tracking(tracker, registration, value);
    }
}
