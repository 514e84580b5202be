package dev.fermion.runtime.local;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node instance of a run: a step, a loop or a sub-pipeline call, keyed by its path ({@code train},
 * {@code sweep/2/train}, {@code tune/fit}). {@code startOrder} and {@code endOrder} count run events, so
 * the order steps ran in is exact even when clocks tie.
 *
 * @param outputs   parameter outputs, ValueCodec-encoded
 * @param artifacts artifact outputs: directory per output name
 * @param digests   content digest per artifact output
 */
public record StepRecord(
        String path,
        String step,
        String kind,
        String component,
        StepStatus status,
        boolean cacheHit,
        boolean resumed,
        String cacheKey,
        long startOrder,
        long endOrder,
        String startedAt,
        String finishedAt,
        List<AttemptRecord> attempts,
        Map<String, String> outputs,
        Map<String, String> artifacts,
        Map<String, String> digests,
        String message) {

    public static final String STEP = "step";
    public static final String LOOP = "loop";
    public static final String CALL = "call";

    public StepRecord {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
        outputs = sorted(outputs);
        artifacts = sorted(artifacts);
        digests = sorted(digests);
    }

    /** An unmodifiable copy in name order, so records read and serialise the same every time. */
    static <V> Map<String, V> sorted(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(map));
    }

    public static StepRecord pending(String path, String step, String kind, String component) {
        return new StepRecord(
                path,
                step,
                kind,
                component,
                StepStatus.PENDING,
                false,
                false,
                null,
                0,
                0,
                null,
                null,
                List.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                null);
    }

    public StepRecord withStatus(StepStatus value, String why) {
        return new StepRecord(
                path,
                step,
                kind,
                component,
                value,
                cacheHit,
                resumed,
                cacheKey,
                startOrder,
                endOrder,
                startedAt,
                finishedAt,
                attempts,
                outputs,
                artifacts,
                digests,
                why);
    }

    public StepRecord started(long order, Instant at) {
        return new StepRecord(
                path,
                step,
                kind,
                component,
                StepStatus.RUNNING,
                cacheHit,
                resumed,
                cacheKey,
                order,
                endOrder,
                at.toString(),
                null,
                attempts,
                outputs,
                artifacts,
                digests,
                message);
    }

    public StepRecord finished(StepStatus value, long order, Instant at, String why) {
        return new StepRecord(
                path,
                step,
                kind,
                component,
                value,
                cacheHit,
                resumed,
                cacheKey,
                startOrder == 0 ? order : startOrder,
                order,
                startedAt == null ? at.toString() : startedAt,
                at.toString(),
                attempts,
                outputs,
                artifacts,
                digests,
                why);
    }

    /** This record with the times and event order of {@code earlier}: a result kept from it ran then, not now. */
    public StepRecord timedAs(StepRecord earlier) {
        return new StepRecord(
                path,
                step,
                kind,
                component,
                status,
                cacheHit,
                resumed,
                cacheKey,
                earlier.startOrder,
                earlier.endOrder,
                earlier.startedAt,
                earlier.finishedAt,
                attempts,
                outputs,
                artifacts,
                digests,
                message);
    }

    public StepRecord withCacheKey(String key) {
        return new StepRecord(
                path,
                step,
                kind,
                component,
                status,
                cacheHit,
                resumed,
                key,
                startOrder,
                endOrder,
                startedAt,
                finishedAt,
                attempts,
                outputs,
                artifacts,
                digests,
                message);
    }

    public StepRecord withAttempts(List<AttemptRecord> value) {
        return new StepRecord(
                path,
                step,
                kind,
                component,
                status,
                cacheHit,
                resumed,
                cacheKey,
                startOrder,
                endOrder,
                startedAt,
                finishedAt,
                value,
                outputs,
                artifacts,
                digests,
                message);
    }

    public StepRecord withResults(
            Map<String, String> params,
            Map<String, String> dirs,
            Map<String, String> sums,
            boolean hit,
            boolean fromEarlierRun) {
        return new StepRecord(
                path,
                step,
                kind,
                component,
                status,
                hit,
                fromEarlierRun,
                cacheKey,
                startOrder,
                endOrder,
                startedAt,
                finishedAt,
                attempts,
                params,
                dirs,
                sums,
                message);
    }

    /** Wall time from start to end, or to now while it runs; zero before it starts. */
    public Duration duration(Instant now) {
        if (startedAt == null) {
            return Duration.ZERO;
        }
        Instant end = finishedAt == null ? now : Instant.parse(finishedAt);
        return Duration.between(Instant.parse(startedAt), end);
    }

    /** The log of the last attempt, or null for nodes that never ran one. */
    public String logFile() {
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).logFile();
    }
}
