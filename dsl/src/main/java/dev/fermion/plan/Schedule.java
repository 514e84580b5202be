package dev.fermion.plan;

import java.util.List;

/**
 * When a scheduled pipeline runs (a CronWorkflow). {@code timezone} is an IANA name; null means UTC.
 * Concurrent runs are forbidden unless asked for: overlapping retraining jobs rarely help anyone.
 */
public record Schedule(
        List<String> crons,
        String timezone,
        ConcurrencyPolicy concurrency,
        Integer startingDeadlineSeconds,
        Integer successfulJobsHistoryLimit,
        Integer failedJobsHistoryLimit) {

    public enum ConcurrencyPolicy {
        /** Start a new run even if the previous one still runs. */
        ALLOW,
        /** Skip a scheduled run while the previous one still runs. */
        FORBID,
        /** Stop the running one and start the new one. */
        REPLACE
    }

    public Schedule {
        crons = List.copyOf(crons);
        if (crons.isEmpty()) {
            throw new IllegalArgumentException("A schedule needs at least one cron expression");
        }
        if (concurrency == null) {
            concurrency = ConcurrencyPolicy.FORBID;
        }
    }

    /** Runs on each of these five-field cron expressions (or {@code @daily}-style descriptors), in UTC. */
    public static Schedule cron(String... expressions) {
        return new Schedule(List.of(expressions), null, ConcurrencyPolicy.FORBID, null, null, null);
    }

    public Schedule timezone(String zone) {
        return new Schedule(
                crons, zone, concurrency, startingDeadlineSeconds, successfulJobsHistoryLimit, failedJobsHistoryLimit);
    }

    public Schedule concurrency(ConcurrencyPolicy policy) {
        return new Schedule(
                crons, timezone, policy, startingDeadlineSeconds, successfulJobsHistoryLimit, failedJobsHistoryLimit);
    }

    /** How late a missed run may still start; later ones are skipped. */
    public Schedule startingDeadline(java.time.Duration deadline) {
        return new Schedule(
                crons,
                timezone,
                concurrency,
                Math.toIntExact(deadline.toSeconds()),
                successfulJobsHistoryLimit,
                failedJobsHistoryLimit);
    }

    public Schedule keepHistory(int succeeded, int failed) {
        return new Schedule(crons, timezone, concurrency, startingDeadlineSeconds, succeeded, failed);
    }
}
