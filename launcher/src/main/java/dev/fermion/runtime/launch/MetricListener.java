package dev.fermion.runtime.launch;

import dev.fermion.dsl.SourceDataset;

/**
 * Hears each metric a step reports, as it reports it, besides the attempt's metrics file; and the data sets
 * it reports reading.
 */
@FunctionalInterface
public interface MetricListener {
    MetricListener NONE = (key, value, step, timestampMillis) -> {};

    /** Called on the thread that reported the metric: must be quick and thread-safe. */
    void metric(String key, double value, long step, long timestampMillis);

    /** Called on the thread that reported the data set. */
    default void source(SourceDataset dataset) {}
}
