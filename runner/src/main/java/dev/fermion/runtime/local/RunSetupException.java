package dev.fermion.runtime.local;

/**
 * A run could not be started or resumed as asked: unknown or badly typed parameters, an unknown run id, a
 * corrupt run record. Nothing was executed and nothing on disk was changed; the message says how to fix it.
 * {@link UnknownRunException} is the one for a run id that names no run.
 */
public class RunSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RunSetupException(String message) {
        super(message);
    }

    public RunSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
