package dev.fermion.plan;

import java.time.Duration;

/**
 * How long a whole run may take and what happens to it afterwards. {@code timeout}: the run fails when it has
 * run this long (the exit handler still runs), null for no limit. The rest only matters on a cluster: how long
 * a finished workflow is kept ({@code ttl*}, each null for no limit) and when its pods are deleted
 * ({@code podGc}, null for Argo's default: never).
 */
public record Lifecycle(
        Duration timeout,
        Duration ttlAfterCompletion,
        Duration ttlAfterSuccess,
        Duration ttlAfterFailure,
        PodGc podGc) {

    public static final Lifecycle NONE = new Lifecycle(null, null, null, null, null);

    /** When Argo deletes a workflow's pods (its {@code podGC.strategy}). */
    public enum PodGc {
        ON_POD_COMPLETION,
        ON_POD_SUCCESS,
        ON_WORKFLOW_COMPLETION,
        ON_WORKFLOW_SUCCESS
    }

    public Lifecycle {
        for (Duration d : new Duration[] {timeout, ttlAfterCompletion, ttlAfterSuccess, ttlAfterFailure}) {
            if (d != null && d.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException(
                        "a run's timeout and how long it is kept must be at least one second, got " + d);
            }
        }
    }

    public Lifecycle withTimeout(Duration value) {
        return new Lifecycle(value, ttlAfterCompletion, ttlAfterSuccess, ttlAfterFailure, podGc);
    }

    public Lifecycle withTtl(Duration afterCompletion, Duration afterSuccess, Duration afterFailure) {
        return new Lifecycle(timeout, afterCompletion, afterSuccess, afterFailure, podGc);
    }

    public Lifecycle withPodGc(PodGc value) {
        return new Lifecycle(timeout, ttlAfterCompletion, ttlAfterSuccess, ttlAfterFailure, value);
    }
}
