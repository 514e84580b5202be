package dev.fermion.tracking.mlflow;

import java.time.Duration;

/**
 * How often and how patiently a request is sent again after a transient failure: {@code attempts} tries in
 * all, waiting {@code initialBackoff}, then twice that, and so on up to {@code maxBackoff}.
 */
public record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff, Duration requestTimeout) {
    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(4), Duration.ofSeconds(30));
    }

    Duration backoff(int failedAttempts) {
        long millis = initialBackoff.toMillis() << Math.min(failedAttempts - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
