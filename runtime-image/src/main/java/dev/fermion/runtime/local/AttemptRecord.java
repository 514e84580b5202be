package dev.fermion.runtime.local;

/** One attempt of a step: when it ran, how it ended, and the file that holds its log. */
public record AttemptRecord(int number, StepStatus status, String startedAt, String finishedAt, String logFile,
                            Integer exitCode, String message) {
}
