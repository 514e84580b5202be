package dev.fermion.plan;

import java.time.Duration;

/** Whether a step's result may be reused from an earlier run with the same cache key, and for how long. */
public record CachePolicy(boolean enabled, Duration maxAge) {

    public static final CachePolicy DISABLED = new CachePolicy(false, null);
    public static final CachePolicy FOREVER = new CachePolicy(true, null);

    public CachePolicy {
        if (maxAge != null && (maxAge.isZero() || maxAge.isNegative())) {
            throw new IllegalArgumentException("Cache max age must be positive, got " + maxAge);
        }
    }

    public static CachePolicy maxAge(Duration age) {
        return new CachePolicy(true, age);
    }
}
