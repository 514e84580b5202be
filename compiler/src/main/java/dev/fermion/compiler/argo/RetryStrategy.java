package dev.fermion.compiler.argo;

/**
 * {@code limit} and {@code backoff.factor} are int-or-string in the CRD and are written as strings.
 * {@code expression}, when set, must also hold for Argo to retry (it reads {@code lastRetry.exitCode} and
 * {@code lastRetry.status}).
 */
public record RetryStrategy(String limit, String retryPolicy, String expression, Backoff backoff) {

    public record Backoff(String duration, String factor, String cap) {}
}
