package dev.fermion.tracking.mlflow;

import java.util.Map;

/**
 * A run as the server returns it; {@code endTime} is 0 while the run is open.
 *
 * @param metrics the latest value per metric key
 */
public record RunInfo(
        String runId,
        String experimentId,
        String runName,
        String status,
        long startTime,
        long endTime,
        String artifactUri,
        Map<String, String> tags,
        Map<String, String> params,
        Map<String, Double> metrics) {
    public RunInfo {
        tags = Map.copyOf(tags);
        params = Map.copyOf(params);
        metrics = Map.copyOf(metrics);
    }
}
