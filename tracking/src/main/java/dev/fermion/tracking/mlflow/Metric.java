package dev.fermion.tracking.mlflow;

/** One metric value as MLflow stores it; two identical rows are one row on the server. */
public record Metric(String key, double value, long timestamp, long step) {
}
