package dev.fermion.tracking.mlflow;

/**
 * A request MLflow did not carry out. {@code transientFailure()} tells whether sending it again soon may
 * succeed (server unreachable, overloaded or failing), {@code authenticationFailure()} whether the server
 * refused who sent it; either way the request itself is sound and may be sent later, unlike a request the
 * server rejects.
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

    /** Missing or refused credentials (HTTP 401), or credentials without the permission (403). */
    public boolean authenticationFailure() {
        return httpStatus == 401 || httpStatus == 403;
    }

    /** Whether the request may succeed when sent later, once the server is back or the credentials are right. */
    public boolean sendableLater() {
        return transientFailure() || authenticationFailure();
    }
}
