package dev.fermion.runtime.local;

/**
 * How an attempt ended: {@code SUCCEEDED}; {@code FAILED} when the step failed or ran out of time (Argo's
 * Failed); {@code ERROR} when it could not run properly (bad launch, process died).
 */
record AttemptOutcome(StepStatus status, Integer exitCode, String message) {

    static AttemptOutcome succeeded() {
        return new AttemptOutcome(StepStatus.SUCCEEDED, 0, null);
    }

    boolean ok() {
        return status == StepStatus.SUCCEEDED;
    }
}
