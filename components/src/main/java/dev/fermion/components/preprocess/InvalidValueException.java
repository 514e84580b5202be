package dev.fermion.components.preprocess;

/** A value that cannot be transformed; carries the column so callers can add the file and line. */
public final class InvalidValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String column;

    public InvalidValueException(String column, String message) {
        super(message);
        this.column = column;
    }

    public String column() {
        return column;
    }
}
