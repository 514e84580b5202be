package dev.fermion.serving.model;

/**
 * A finite request value that the model's preprocessing cannot turn into a finite FP32 feature: scaled by
 * the statistics the model was trained with, it overflows. The request is at fault, not the model.
 */
public final class UnscalableInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int row;
    private final String column;
    private final String value;

    UnscalableInputException(int row, String column, String value) {
        super("value " + value + " of feature '" + column + "' in row " + row + " is outside the range the model's "
                + "preprocessing can scale to an FP32 number");
        this.row = row;
        this.column = column;
        this.value = value;
    }

    public int row() {
        return row;
    }

    public String column() {
        return column;
    }

    public String value() {
        return value;
    }
}
