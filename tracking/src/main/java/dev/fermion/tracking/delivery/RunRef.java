package dev.fermion.tracking.delivery;

/**
 * Names an MLflow run before it exists: the experiment and a key unique within it (the Fermion run id,
 * then the step path for step runs). The key is stored as the run's {@code fermion.key} tag, which is how
 * a replay finds a run created earlier instead of creating it twice.
 */
public record RunRef(String experiment, String key) {
    public static final String KEY_TAG = "fermion.key";

    public RunRef child(String step) {
        return new RunRef(experiment, key + "/" + step);
    }
}
