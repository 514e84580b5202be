package dev.fermion.components.preprocess;

import dev.fermion.dsl.BadInputException;

/**
 * A value that cannot be transformed; carries the column so callers can add the file and line. Bad input:
 * the same value fails the same way every time.
 */
public final class InvalidValueException extends BadInputException {
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
