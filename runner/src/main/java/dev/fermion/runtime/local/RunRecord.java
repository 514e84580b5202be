package dev.fermion.runtime.local;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything known about one local run, kept as {@code runs/<run-id>/run.json}: enough to show it, and to
 * resume it with the same pipeline, parameters and settings after the runner died.
 *
 * @param pipelineRef the name or class the run was started with, to find the pipeline again on resume
 * @param params      every pipeline parameter, ValueCodec-encoded, defaults included
 * @param runnerPid   the process that runs (or ran) it, to tell a live run from an interrupted one
 */
public record RunRecord(
        int format,
        String runId,
        String pipeline,
        String pipelineRef,
        String classpath,
        Map<String, String> params,
        String isolation,
        int parallelism,
        boolean cache,
        RunStatus status,
        String startedAt,
        String finishedAt,
        long runnerPid,
        String resumedFrom,
        String message,
        Map<String, StepRecord> steps,
        Map<String, String> results) {

    public static final int FORMAT = 1;

    public RunRecord {
        params = StepRecord.sorted(params);
        steps = StepRecord.sorted(steps);
        results = results == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(results));
    }

    /** A run without results yet (they are known when its main graph has finished). */
    public RunRecord(
            int format,
            String runId,
            String pipeline,
            String pipelineRef,
            String classpath,
            Map<String, String> params,
            String isolation,
            int parallelism,
            boolean cache,
            RunStatus status,
            String startedAt,
            String finishedAt,
            long runnerPid,
            String resumedFrom,
            String message,
            Map<String, StepRecord> steps) {
        this(
                format,
                runId,
                pipeline,
                pipelineRef,
                classpath,
                params,
                isolation,
                parallelism,
                cache,
                status,
                startedAt,
                finishedAt,
                runnerPid,
                resumedFrom,
                message,
                steps,
                Map.of());
    }

    public RunRecord withSteps(Map<String, StepRecord> value) {
        return new RunRecord(
                format,
                runId,
                pipeline,
                pipelineRef,
                classpath,
                params,
                isolation,
                parallelism,
                cache,
                status,
                startedAt,
                finishedAt,
                runnerPid,
                resumedFrom,
                message,
                value,
                results);
    }

    /** The pipeline's declared results, ValueCodec-encoded, in declaration order; those whose step did not run are absent. */
    public RunRecord withResults(Map<String, String> value) {
        return new RunRecord(
                format,
                runId,
                pipeline,
                pipelineRef,
                classpath,
                params,
                isolation,
                parallelism,
                cache,
                status,
                startedAt,
                finishedAt,
                runnerPid,
                resumedFrom,
                message,
                steps,
                value);
    }

    public RunRecord finished(RunStatus value, Instant at, String why) {
        return new RunRecord(
                format,
                runId,
                pipeline,
                pipelineRef,
                classpath,
                params,
                isolation,
                parallelism,
                cache,
                value,
                startedAt,
                at.toString(),
                runnerPid,
                resumedFrom,
                why,
                steps,
                results);
    }

    public Optional<StepRecord> step(String path) {
        return Optional.ofNullable(steps.get(path));
    }

    /** Steps in the order they started; those that never started last, by path. */
    public List<StepRecord> stepsInOrder() {
        return steps.values().stream()
                .sorted(Comparator.comparingLong(
                                (StepRecord s) -> s.startOrder() == 0 ? Long.MAX_VALUE : s.startOrder())
                        .thenComparing(StepRecord::path))
                .toList();
    }

    /** Whether the run is marked running but the process that ran it is gone (killed, crashed). */
    public boolean interrupted() {
        return status == RunStatus.RUNNING
                && ProcessHandle.of(runnerPid).map(p -> !p.isAlive()).orElse(true);
    }

    /** The status to show: {@code Interrupted} for a run whose runner died. */
    public String displayStatus() {
        return settled().status().workflowStatus();
    }

    /**
     * The record as it stands: for a run whose runner died, status {@code INTERRUPTED}, and the steps and
     * attempts it left running ended with {@code ERROR}, as a resume will record them. Others as they are.
     */
    public RunRecord settled() {
        if (!interrupted()) {
            return this;
        }
        Map<String, StepRecord> settledSteps = new java.util.TreeMap<>();
        steps.forEach((path, step) -> settledSteps.put(
                path,
                step.status() != StepStatus.RUNNING
                        ? step
                        : step.withStatus(StepStatus.ERROR, STOPPED)
                                .withAttempts(step.attempts().stream()
                                        .map(a -> a.status() != StepStatus.RUNNING
                                                ? a
                                                : new AttemptRecord(
                                                        a.number(),
                                                        StepStatus.ERROR,
                                                        a.startedAt(),
                                                        null,
                                                        a.logFile(),
                                                        null,
                                                        STOPPED))
                                        .toList())));
        return new RunRecord(
                format,
                runId,
                pipeline,
                pipelineRef,
                classpath,
                params,
                isolation,
                parallelism,
                cache,
                RunStatus.INTERRUPTED,
                startedAt,
                finishedAt,
                runnerPid,
                resumedFrom,
                message != null ? message : "the runner (process " + runnerPid + ") stopped before the run ended",
                settledSteps,
                results);
    }

    /** Why a step or attempt that was running when its runner died did not end. */
    static final String STOPPED = "the runner stopped during this attempt";

    public Duration duration(Instant now) {
        Instant end = finishedAt == null ? now : Instant.parse(finishedAt);
        return Duration.between(Instant.parse(startedAt), end);
    }
}
