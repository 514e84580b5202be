package dev.fermion.deploy;

/** What a rollout left serving: the model's Open Inference Protocol URL and the version behind it. */
public record Deployed(String endpoint, String version) {
}
