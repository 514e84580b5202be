package dev.fermion.runtime.local;

/** A value a node needs cannot be found; the node ends in Error, as an Argo node with a bad reference. */
final class ResolveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ResolveException(String message) {
        super(message);
    }
}
