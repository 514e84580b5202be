package dev.fermion.submit;

/**
 * A cluster operation that could not be done, with a message that says what to change. The reason lets a
 * caller tell a problem of the user's setup (no cluster, no permission, Argo missing, a name taken) from a
 * fault of the cluster itself.
 */
public final class ClusterException extends RuntimeException {
    public enum Reason {
        /** The API server cannot be reached, or no cluster is configured. */
        UNREACHABLE,
        /** The credentials were rejected (401). */
        UNAUTHENTICATED,
        /** The credentials lack a permission (403). */
        FORBIDDEN,
        /** The cluster has no Argo Workflows resources: the CRDs are not installed. */
        ARGO_MISSING,
        /** An object of that name exists already (409). */
        ALREADY_EXISTS,
        /** The named workflow does not exist. */
        NOT_FOUND,
        /** The API server or Argo's admission checks refused the object (400, 422). */
        REJECTED,
        /** Anything else the cluster answered, such as a 5xx. */
        FAILED
    }

    private final Reason reason;

    public ClusterException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Whether the user's setup or input is at fault, rather than the cluster. */
    public boolean setupProblem() {
        return reason != Reason.FAILED;
    }
}
