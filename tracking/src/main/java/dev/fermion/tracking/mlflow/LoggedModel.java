package dev.fermion.tracking.mlflow;

import java.util.Map;

/**
 * An MLflow 3 logged model: a model entity of an experiment, with its own artifact location, its params and
 * the latest value of each metric logged against it.
 */
public record LoggedModel(
        String modelId,
        String experimentId,
        String name,
        String artifactUri,
        String status,
        String sourceRunId,
        String modelType,
        Map<String, String> tags,
        Map<String, String> params,
        Map<String, Double> metrics) {
    public LoggedModel {
        tags = Map.copyOf(tags);
        params = Map.copyOf(params);
        metrics = Map.copyOf(metrics);
    }

    /** The URI the model registry uses as a version's source. */
    public String modelUri() {
        return "models:/" + modelId;
    }
}
