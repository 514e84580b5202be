package dev.fermion.tracking;

/** Tracking failed and strict mode asks for the run to fail with it. */
public class TrackingException extends RuntimeException {
    public TrackingException(String message, Throwable cause) {
        super(message, cause);
    }
}
