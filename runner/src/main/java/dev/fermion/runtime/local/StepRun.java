package dev.fermion.runtime.local;

import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.StepOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The inputs and attempt history of one step while its attempts run. */
final class StepRun {
    /** Runs one attempt of a step in {@code dir}, its output in {@code log}; on success sets {@code run.produced}. */
    interface AttemptBody {
        AttemptOutcome run(StepRun run, Path dir, Path log, int retry);
    }

    final String name;
    final String path;
    final ComponentSpec component;
    final StepOptions options;
    final Inputs inputs;
    final String key;
    /** Whether a test double runs in the step's place. */
    final boolean replaced;

    final AttemptBody body;
    /** Changed under its own lock: attempts are added and replaced on the pool's threads. */
    final List<AttemptRecord> history = new ArrayList<>();

    volatile NodeResult produced;
    /** The current attempt's sidecars' network, for a container step to join; null without sidecars. */
    volatile String network;

    /** {@code prior}: the step's record in the run being resumed (null: none), whose attempts it goes on from. */
    StepRun(
            String name,
            String path,
            ComponentSpec component,
            StepOptions options,
            Inputs inputs,
            String key,
            boolean replaced,
            AttemptBody body,
            StepRecord prior) {
        this.name = name;
        this.path = path;
        this.component = component;
        this.options = options;
        this.inputs = inputs;
        this.key = key;
        this.replaced = replaced;
        this.body = body;
        if (prior != null) {
            for (AttemptRecord attempt : prior.attempts()) {
                // An attempt the earlier runner was stopped in is over: it ended with that runner.
                history.add(
                        attempt.status() == StepStatus.RUNNING
                                ? new AttemptRecord(
                                        attempt.number(),
                                        StepStatus.ERROR,
                                        attempt.startedAt(),
                                        null,
                                        attempt.logFile(),
                                        null,
                                        RunRecord.STOPPED)
                                : attempt);
            }
        }
    }
}
