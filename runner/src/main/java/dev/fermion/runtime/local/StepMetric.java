package dev.fermion.runtime.local;

/**
 * A value a step reported with {@code StepContext.metric}.
 *
 * @param step            the index the step gave it (epoch, batch), ordering values of one key
 * @param timestampMillis when the step reported it
 */
public record StepMetric(String key, double value, long step, long timestampMillis) {}
