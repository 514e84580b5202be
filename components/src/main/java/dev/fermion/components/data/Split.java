package dev.fermion.components.data;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Deterministic assignment of rows to train (0), validation (1) and test (2). A row's place depends only
 * on the seed and its id, never on file order or on which worker sees it, so reruns and other runners give
 * the same splits.
 */
record Split(long seed, double train, double validation, double test) implements Serializable {
    static final int TRAIN = 0;
    static final int VALIDATION = 1;
    static final int TEST = 2;
    static final List<String> NAMES = List.of("train", "validation", "test");

    Split {
        if (train <= 0 || validation < 0 || test < 0 || Math.abs(train + validation + test - 1) > 1e-6) {
            throw new IllegalArgumentException("Split ratios train=" + train + ", validation=" + validation
                    + ", test=" + test + " must be non-negative, with train above 0, and sum to 1");
        }
    }

    /** Independent per-row assignment: scales to any size, and proportions hold in expectation. */
    int assign(String id) {
        double u = unit(id);
        return u < train ? TRAIN : u < train + validation ? VALIDATION : TEST;
    }

    /**
     * Exact proportions within one stratum: rows are ordered by their seeded hash and the first
     * {@code round(n * train)} go to train, the next {@code round(n * validation)} to validation.
     */
    int[] assignStratum(List<String> ids) {
        int n = ids.size();
        int[] order = IntStream.range(0, n).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> unit(ids.get(i))).thenComparing(ids::get))
                .mapToInt(Integer::intValue).toArray();
        int trainCount = (int) Math.round(n * train);
        int validationCount = Math.min(n - trainCount, (int) Math.round(n * validation));
        int[] splits = new int[n];
        for (int rank = 0; rank < n; rank++) {
            splits[order[rank]] = rank < trainCount ? TRAIN : rank < trainCount + validationCount ? VALIDATION : TEST;
        }
        return splits;
    }

    /** A uniform number in [0, 1) from the seed and the id: FNV-1a over the id, finished by SplitMix64. */
    double unit(String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        long z = h ^ (seed * 0x9e3779b97f4a7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }
}
