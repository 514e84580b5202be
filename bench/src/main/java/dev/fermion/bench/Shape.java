package dev.fermion.bench;

import java.util.Locale;

/**
 * The synthetic pipeline shapes, identical to {@code parents()} in bench/peers.py so every tool compiles
 * the same graph. For each step: the earlier steps it waits for, the first of which feeds its input.
 */
enum Shape {
    /** Each step depends on the previous one. */
    CHAIN,
    /** One root; every other step reads the root's output. */
    WIDE,
    /** Rows of about sqrt(N) steps; each reads the step above and also waits for the one above-right. */
    LATTICE;

    private static final int[] NONE = new int[0];

    int[][] parents(int n) {
        int[][] result = new int[n][];
        int width = Math.max(1, (int) Math.round(Math.sqrt(n)));
        for (int i = 0; i < n; i++) {
            if (i == 0) {
                result[i] = NONE;
                continue;
            }
            switch (this) {
                case CHAIN:
                    result[i] = new int[] {i - 1};
                    break;
                case WIDE:
                    result[i] = new int[] {0};
                    break;
                default:
                    result[i] = latticeParents(i, width);
            }
        }
        return result;
    }

    private static int[] latticeParents(int i, int width) {
        int row = i / width;
        int col = i % width;
        if (row == 0) {
            return NONE;
        }
        int above = (row - 1) * width;
        return width > 1 ? new int[] {above + col, above + (col + 1) % width} : new int[] {above + col};
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
