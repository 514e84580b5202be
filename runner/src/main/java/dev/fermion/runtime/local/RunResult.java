package dev.fermion.runtime.local;

import java.nio.file.Path;

/**
 * A finished local run: its record, where its files are, and what tracking made of it (null when the run was not
 * tracked).
 */
public record RunResult(RunRecord record, Path runDir, TrackingReport tracking) {

    public RunResult(RunRecord record, Path runDir) {
        this(record, runDir, null);
    }

    public String runId() {
        return record.runId();
    }

    public RunStatus status() {
        return record.status();
    }

    public boolean succeeded() {
        return record.status() == RunStatus.SUCCEEDED;
    }

    /** The record of the node at {@code path} ({@code train}, {@code sweep/0/train}); fails naming the known paths. */
    public StepRecord step(String path) {
        return record.step(path)
                .orElseThrow(() -> new IllegalArgumentException("run " + record.runId() + " has no step '" + path
                        + "'; its steps are " + record.steps().keySet()));
    }
}
