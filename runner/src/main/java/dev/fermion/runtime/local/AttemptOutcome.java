package dev.fermion.runtime.local;

import dev.fermion.contract.LaunchSpec;

/**
 * How an attempt ended: {@code SUCCEEDED}; {@code FAILED} when the step failed or ran out of time (Argo's
 * Failed); {@code ERROR} when it could not run properly (bad launch, process died). {@code retryable} is false
 * when no other attempt could end differently: the launcher was started wrongly, or the step's inputs cannot
 * be used.
 */
record AttemptOutcome(StepStatus status, Integer exitCode, String message, boolean retryable) {

    AttemptOutcome(StepStatus status, Integer exitCode, String message) {
        this(status, exitCode, message, true);
    }

    static AttemptOutcome succeeded() {
        return new AttemptOutcome(StepStatus.SUCCEEDED, 0, null);
    }

    /** An attempt of the step launcher that ended with {@code exitCode} (not 0), as the launcher reported it. */
    static AttemptOutcome launcherFailed(int exitCode, String message) {
        StepStatus status = exitCode == LaunchSpec.EXIT_STEP_FAILED || exitCode == LaunchSpec.EXIT_BAD_INPUT
                ? StepStatus.FAILED
                : StepStatus.ERROR;
        return new AttemptOutcome(status, exitCode, message, LaunchSpec.retryable(exitCode));
    }

    boolean ok() {
        return status == StepStatus.SUCCEEDED;
    }

    /** Whether the step's inputs were the problem, so that a user should fix them rather than run again. */
    boolean badInput() {
        return exitCode != null && exitCode == LaunchSpec.EXIT_BAD_INPUT;
    }
}
