package dev.fermion.dsl;

/**
 * A reference to a pipeline that {@link PipelineCatalog} cannot resolve: no pipeline by that name, a class that is
 * not on the classpath or defines none, an unreadable pipeline index. The message names the reference and what to
 * do; callers treat it as bad usage, not as a failed run.
 */
public class PipelineLookupException extends RuntimeException {
    public PipelineLookupException(String message) {
        super(message);
    }

    public PipelineLookupException(String message, Throwable cause) {
        super(message, cause);
    }
}
