package dev.fermion.runtime.local;

/** One attempt of a step: when it ran, how it ended, and the file that holds its log. */
public record AttemptRecord(
        int number,
        StepStatus status,
        String startedAt,
        String finishedAt,
        String logFile,
        Integer exitCode,
        String message) {

    /** Whether the step could not use its inputs: running it again unchanged would fail the same way. */
    public boolean badInput() {
        return exitCode != null && exitCode == dev.fermion.contract.LaunchSpec.EXIT_BAD_INPUT;
    }
}
