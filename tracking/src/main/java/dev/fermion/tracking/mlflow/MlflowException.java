package dev.fermion.tracking.mlflow;

/**
 * A request MLflow did not carry out. {@code transientFailure()} tells whether sending it again later may
 * succeed (server unreachable, overloaded or failing), as opposed to a request the server rejects.
 */
public class MlflowException extends RuntimeException {
    private final int httpStatus;
    private final String errorCode;

    public MlflowException(String message, int httpStatus, String errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The HTTP status, or 0 when no response came back. */
    public int httpStatus() {
        return httpStatus;
    }

    /** MLflow's error code such as {@code RESOURCE_DOES_NOT_EXIST}, or empty. */
    public String errorCode() {
        return errorCode;
    }

    public boolean transientFailure() {
        return httpStatus == 0 || httpStatus == 429 || httpStatus >= 500;
    }
}
