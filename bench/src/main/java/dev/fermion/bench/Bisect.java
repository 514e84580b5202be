package dev.fermion.bench;

import java.util.function.IntPredicate;

/** The search bench/peers.py's {@code largest()} mirrors, so every tool's limit is found the same way. */
final class Bisect {
    static final int CEILING = 1 << 20;

    private Bisect() {
    }

    /**
     * The largest {@code n >= 1} with {@code fits(n)}, for a predicate that holds up to some size and fails
     * beyond it; 0 when not even one step fits. Starts from a bracket 2% either side of {@code guess}.
     */
    static int largest(IntPredicate fits, int guess) {
        int lo = Math.max(1, guess - guess / 50);
        int hi = guess + guess / 50 + 1;
        while (!fits.test(lo)) {
            if (lo == 1) {
                return 0;
            }
            hi = lo;
            lo = Math.max(1, lo / 2);
        }
        while (fits.test(hi)) {
            if (hi >= CEILING) {
                throw new IllegalStateException("a chain of " + hi + " steps still fits in 1 MiB; giving up the search");
            }
            lo = hi;
            hi = Math.min(CEILING, hi * 2);
        }
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            if (fits.test(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
