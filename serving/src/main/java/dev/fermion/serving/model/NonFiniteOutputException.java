package dev.fermion.serving.model;

/**
 * The model computed a NaN or an infinity from finite features: there is no answer to give for the row,
 * and a non-finite number must never be sent as one.
 */
public final class NonFiniteOutputException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int row;
    private final double value;

    NonFiniteOutputException(int row, double value) {
        super("the model computed " + value + " for row " + row + " from finite features");
        this.row = row;
        this.value = value;
    }

    public int row() {
        return row;
    }

    public double value() {
        return value;
    }
}
