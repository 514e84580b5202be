package dev.fermion.runtime.local;

/**
 * The outcome of a run, with Argo's workflow phases: {@code Failed} when a step failed, {@code Error} when
 * the runner could not run a step at all. A run whose runner died stays {@code RUNNING} on disk and is shown
 * as {@code INTERRUPTED} ({@link RunRecord#settled()}); that status is never stored.
 */
public enum RunStatus {
    RUNNING,
    SUCCEEDED,
    FAILED,
    ERROR,
    INTERRUPTED;

    /** The value {@code status()} has in the exit handler. */
    public String workflowStatus() {
        return name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
