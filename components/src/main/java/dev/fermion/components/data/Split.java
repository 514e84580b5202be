package dev.fermion.components.data;

import dev.fermion.dsl.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

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
            throw new BadInputException(
                    "Inputs 'train-ratio' (" + train + "), 'validation-ratio' (" + validation + ") and 'test-ratio' ("
                            + test + ") must be non-negative, with 'train-ratio' above 0, and sum to 1");
        }
    }

    /** Independent per-row assignment: scales to any size, and proportions hold in expectation. */
    int assign(String id) {
        double u = unit(id);
        return u < train ? TRAIN : u < train + validation ? VALIDATION : TEST;
    }

    /**
     * Where one stratum's splits begin in the order of {@link #position}: rows before {@code validation}
     * go to train, rows from it up to {@code test} to validation, the rest to test. A null bound lies past
     * the last row. Two small values per label are all a runner has to share to split every row of the
     * stratum exactly, wherever the row is processed.
     */
    record StratumBounds(Position validation, Position test) {
        /** Both bounds, each marked present or past the last row: every runner shares the same bytes. */
        static final Coder<StratumBounds> CODER = new CustomCoder<>() {
            private final Coder<Position> bound = NullableCoder.of(Position.CODER);

            @Override
            public void encode(StratumBounds bounds, OutputStream out) throws IOException {
                bound.encode(bounds.validation(), out);
                bound.encode(bounds.test(), out);
            }

            @Override
            public StratumBounds decode(InputStream in) throws IOException {
                return new StratumBounds(bound.decode(in), bound.decode(in));
            }

            @Override
            public void verifyDeterministic() throws NonDeterministicException {
                bound.verifyDeterministic();
            }
        };
    }

    /** A row's place in the seeded order of its stratum: its hash, ties broken by the id. */
    record Position(double unit, String id) implements Comparable<Position> {
        static final Coder<Position> CODER = new CustomCoder<>() {
            @Override
            public void encode(Position position, OutputStream out) throws IOException {
                DoubleCoder.of().encode(position.unit(), out);
                StringUtf8Coder.of().encode(position.id(), out);
            }

            @Override
            public Position decode(InputStream in) throws IOException {
                return new Position(
                        DoubleCoder.of().decode(in), StringUtf8Coder.of().decode(in));
            }

            @Override
            public void verifyDeterministic() {
                // Deterministic: the unit's IEEE bits, then the id as UTF-8.
            }
        };
        private static final Comparator<Position> ORDER =
                Comparator.comparingDouble(Position::unit).thenComparing(Position::id);

        @Override
        public int compareTo(Position other) {
            return ORDER.compare(this, other);
        }
    }

    Position position(String id) {
        return new Position(unit(id), id);
    }

    /**
     * Exact proportions within one stratum of distinct ids: in the seeded order, the first
     * {@code round(n * train)} go to train, the next {@code round(n * validation)} to validation.
     */
    StratumBounds stratumBounds(Collection<String> ids) {
        Position[] order = ids.stream().map(this::position).sorted().toArray(Position[]::new);
        int n = order.length;
        int trainCount = (int) Math.round(n * train);
        int validationCount = Math.min(n - trainCount, (int) Math.round(n * validation));
        return new StratumBounds(
                trainCount < n ? order[trainCount] : null,
                trainCount + validationCount < n ? order[trainCount + validationCount] : null);
    }

    int assign(String id, StratumBounds bounds) {
        Position position = position(id);
        if (bounds.validation() == null || position.compareTo(bounds.validation()) < 0) {
            return TRAIN;
        }
        return bounds.test() == null || position.compareTo(bounds.test()) < 0 ? VALIDATION : TEST;
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
