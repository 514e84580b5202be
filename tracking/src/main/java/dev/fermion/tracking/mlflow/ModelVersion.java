package dev.fermion.tracking.mlflow;

import java.util.List;

/** A version of a registered model. */
public record ModelVersion(
        String name, String version, String source, String runId, String modelId, String status, List<String> aliases) {
    public ModelVersion {
        aliases = List.copyOf(aliases);
    }
}
