package dev.fermion.compiler.argo;

/** {@code limit} and {@code backoff.factor} are int-or-string in the CRD and are written as strings. */
public record RetryStrategy(String limit, String retryPolicy, Backoff backoff) {

    public record Backoff(String duration, String factor, String cap) { }
}
