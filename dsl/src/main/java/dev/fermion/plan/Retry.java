package dev.fermion.plan;

import java.time.Duration;

/**
 * How often and when a failed step is retried. Mirrors Argo's {@code retryStrategy}, and the local runner
 * applies the same policy with the same backoff.
 */
public record Retry(int limit, Policy policy, Duration backoff, double factor, Duration maxBackoff) {

    public enum Policy {
        /** Retry on any failure. */
        ALWAYS,
        /** Retry when the step itself failed (non-zero exit). */
        ON_FAILURE,
        /** Retry on infrastructure errors only (pod deleted, node lost). */
        ON_ERROR,
        /** Retry on errors that look transient (network, eviction). */
        ON_TRANSIENT_ERROR
    }

    public Retry {
        if (limit < 0) {
            throw new IllegalArgumentException("Retry limit must be >= 0, got " + limit);
        }
        if (policy == null) {
            policy = Policy.ON_FAILURE;
        }
        if (factor < 1) {
            throw new IllegalArgumentException("Retry backoff factor must be >= 1, got " + factor);
        }
        if (factor != Math.rint(factor) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("Retry backoff factor " + factor + " is not a whole number; Argo only "
                    + "supports integer factors: use 2 or 3");
        }
        if (backoff != null && backoff.isNegative()) {
            throw new IllegalArgumentException("Retry backoff must not be negative, got " + backoff);
        }
    }

    public static Retry times(int limit) {
        return new Retry(limit, Policy.ON_FAILURE, null, 1, null);
    }

    public Retry policy(Policy value) {
        return new Retry(limit, value, backoff, factor, maxBackoff);
    }

    /** Exponential backoff: wait {@code initial}, then multiply by {@code factor}, capped at {@code max}. */
    public Retry backoff(Duration initial, double factor, Duration max) {
        return new Retry(limit, policy, initial, factor, max);
    }

    /** The wait before retry number {@code retry} (1-based). */
    public Duration delayBefore(int retry) {
        if (backoff == null) {
            return Duration.ZERO;
        }
        double millis = backoff.toMillis() * Math.pow(factor, retry - 1);
        Duration delay = Duration.ofMillis((long) Math.min(millis, Long.MAX_VALUE / 2.0));
        return maxBackoff != null && delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }
}
