package dev.fermion.dsl;

/**
 * A step's inputs, or the data they point to, cannot be used: a missing file, a malformed or empty data set,
 * a value out of range. Running the step again with the same inputs would fail the same way, so neither the
 * local runner nor Argo retries it, whatever the step's retry policy, and the run reports its message once,
 * without a stack trace (the trace stays in the step's log).
 *
 * <p>Say what is wrong, where (the input, file, column or line) and how to fix it: the message is all a user
 * sees. It is an {@link IllegalArgumentException}, so code that validates arguments that way keeps working;
 * an {@code IllegalArgumentException} of another kind still counts as an ordinary failure, which may be retried. The launcher treats a missing file ({@link java.nio.file.NoSuchFileException},
 * {@link java.io.FileNotFoundException}) the same way.
 */
public class BadInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
