package dev.fermion.runtime.local;

/**
 * A run id that names no run of the store. Its message says what was looked for and where; the command line
 * adds how to list the ids of past runs, in the command as its user typed it.
 */
public final class UnknownRunException extends RunSetupException {
    private static final long serialVersionUID = 1L;

    UnknownRunException(String message) {
        super(message);
    }
}
