package dev.fermion.compiler;

import dev.fermion.compiler.argo.RetryStrategy;
import dev.fermion.contract.LaunchSpec;
import dev.fermion.plan.StepOptions;

/** Argo's retry strategy of a step, from its {@code Retry} option: the same for Java, tool and resource steps. */
final class RetryStrategies {
    private RetryStrategies() {}

    /**
     * Argo's retries for a step. {@code launcher}: the step runs {@code fermion-step}, whose exit codes
     * {@value LaunchSpec#EXIT_USAGE} and {@value LaunchSpec#EXIT_BAD_INPUT} say that no retry can succeed, so
     * the strategy's expression excludes them (a tool's exit codes mean what the tool says, so its steps have none).
     */
    static RetryStrategy retry(StepOptions o, String where, boolean launcher) {
        if (o.retry() == null || o.retry().limit() == 0) {
            return null;
        }
        var r = o.retry();
        RetryStrategy.Backoff backoff = r.backoff() == null
                ? null
                : new RetryStrategy.Backoff(
                        GoDurations.of(r.backoff()),
                        factor(r.factor(), where),
                        r.maxBackoff() == null ? null : GoDurations.of(r.maxBackoff()));
        String expression = launcher
                ? "!(asInt(lastRetry.exitCode) in [" + LaunchSpec.EXIT_USAGE + ", " + LaunchSpec.EXIT_BAD_INPUT + "])"
                : null;
        return new RetryStrategy(Integer.toString(r.limit()), policy(r.policy()), expression, backoff);
    }

    private static String policy(dev.fermion.plan.Retry.Policy policy) {
        return switch (policy) {
            case ALWAYS -> "Always";
            case ON_FAILURE -> "OnFailure";
            case ON_ERROR -> "OnError";
            case ON_TRANSIENT_ERROR -> "OnTransientError";
        };
    }

    /** Argo reads the backoff factor as an int-or-string integer, so a fractional factor cannot be kept. */
    private static String factor(double factor, String where) {
        if (factor != Math.rint(factor) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("The retry backoff factor " + factor + " of " + where + " is not a "
                    + "whole number; Argo only supports integer factors: use 2 or 3");
        }
        return Long.toString((long) factor);
    }
}
