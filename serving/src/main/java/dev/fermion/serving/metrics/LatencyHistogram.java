package dev.fermion.serving.metrics;

import java.util.List;

/**
 * Cumulative latency histogram of one model. Updates and snapshots are synchronised so a scrape never
 * sees a count that disagrees with its buckets.
 */
final class LatencyHistogram {
    /** Upper bounds in seconds: a small MLP answers in about a millisecond, a large batch in seconds. */
    static final List<Double> BOUNDS =
            List.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

    /** A consistent copy: {@code cumulative[i]} counts observations at or below {@code BOUNDS[i]}. */
    record Snapshot(long[] cumulative, long count, double sum) {}

    private final long[] buckets = new long[BOUNDS.size()];
    private long count;
    private double sum;

    synchronized void observe(double seconds) {
        for (int i = 0; i < buckets.length; i++) {
            if (seconds <= BOUNDS.get(i)) {
                buckets[i]++;
                break;
            }
        }
        count++;
        sum += seconds;
    }

    synchronized Snapshot snapshot() {
        long[] cumulative = new long[buckets.length];
        long running = 0;
        for (int i = 0; i < buckets.length; i++) {
            running += buckets[i];
            cumulative[i] = running;
        }
        return new Snapshot(cumulative, count, sum);
    }
}
