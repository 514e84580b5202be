package dev.fermion.deploy;

/**
 * What a rollout left serving: the model's Open Inference Protocol URL and the version behind it;
 * {@code upToDate} when the target already served the same model with the same settings, so nothing was
 * rolled out and {@code version} is the one deployed before.
 */
public record Deployed(String endpoint, String version, boolean upToDate) {
    /** A rollout that changed what serves. */
    public Deployed(String endpoint, String version) {
        this(endpoint, version, false);
    }
}
