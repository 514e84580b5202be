package dev.fermion.runtime.launch;

/** Why a launched step did not succeed, as the one line the launcher prints, and its exit code. */
public final class StepFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public StepFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public StepFailure(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public int exitCode() {
        return exitCode;
    }
}
