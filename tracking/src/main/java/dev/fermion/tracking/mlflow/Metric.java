package dev.fermion.tracking.mlflow;

/**
 * One metric value as MLflow stores it; two identical rows are one row on the server. {@code modelId}: the
 * MLflow 3 logged model the value measures (an evaluation of that model), or null for a run's own metric.
 */
public record Metric(String key, double value, long timestamp, long step, String modelId) {

    public Metric(String key, double value, long timestamp, long step) {
        this(key, value, timestamp, step, null);
    }

    /** This value, recorded as a measure of logged model {@code model}. */
    public Metric of(String model) {
        return new Metric(key, value, timestamp, step, model);
    }
}
