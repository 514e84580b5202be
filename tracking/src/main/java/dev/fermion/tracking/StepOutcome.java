package dev.fermion.tracking;

import dev.fermion.tracking.mlflow.RunStatus;

/** How a step or a pipeline run ended, as the tracker records it. */
public enum StepOutcome {
    SUCCEEDED(RunStatus.FINISHED),
    FAILED(RunStatus.FAILED),
    /** Not run because its condition was false or an upstream step failed. */
    SKIPPED(RunStatus.KILLED),
    /** Stopped before it finished (interrupted, timed out, cancelled). */
    CANCELLED(RunStatus.KILLED);

    private final RunStatus mlflowStatus;

    StepOutcome(RunStatus mlflowStatus) {
        this.mlflowStatus = mlflowStatus;
    }

    public RunStatus mlflowStatus() {
        return mlflowStatus;
    }
}
