package dev.fermion.runtime.launch;

/** Hears each metric a step reports, as it reports it, besides the attempt's metrics file. */
@FunctionalInterface
public interface MetricListener {
    MetricListener NONE = (key, value, step, timestampMillis) -> { };

    /** Called on the thread that reported the metric: must be quick and thread-safe. */
    void metric(String key, double value, long step, long timestampMillis);
}
