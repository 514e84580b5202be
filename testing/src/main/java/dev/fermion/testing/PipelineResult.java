package dev.fermion.testing;

import dev.fermion.contract.ValueCodec;
import dev.fermion.dsl.Output;
import dev.fermion.runtime.local.RunRecord;
import dev.fermion.runtime.local.RunResult;
import dev.fermion.runtime.local.RunStatus;
import dev.fermion.runtime.local.StepRecord;
import dev.fermion.runtime.local.StepStatus;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.opentest4j.AssertionFailedError;

/**
 * The outcome of a {@link PipelineTest}: typed step outputs and assertions on what ran, was skipped, and in
 * which order. Steps inside loops and sub-pipelines are named by path: {@code sweep/0/train}, {@code tune/fit}.
 * Failed assertions say what happened instead, with the failing step's log; status assertions carry the
 * expected and actual status, which IDEs show side by side.
 */
public final class PipelineResult {
    private static final int LOG_LINES = 15;
    private final RunResult run;

    PipelineResult(RunResult run) {
        this.run = run;
    }

    public RunRecord record() {
        return run.record();
    }

    public RunStatus status() {
        return run.status();
    }

    public boolean succeeded() {
        return run.succeeded();
    }

    public StepStatus status(String step) {
        return step(step).status();
    }

    /** The value {@code step} produced on {@code output}, decoded to its declared type. */
    public <T> T output(String step, Output<T> output) {
        StepRecord record = step(step);
        if (record.status() != StepStatus.SUCCEEDED) {
            throw new AssertionError("step '" + step + "' has no outputs: it is " + describe(record));
        }
        if (output.type().isArtifact()) {
            String dir = record.artifacts().get(output.name());
            if (dir == null) {
                throw new AssertionError("step '" + step + "' has no artifact output '" + output.name()
                        + "'; its artifacts are " + record.artifacts().keySet());
            }
            return output.type().rawType().cast(artifact(output.type().rawType(), Path.of(dir)));
        }
        String text = record.outputs().get(output.name());
        if (text == null) {
            throw new AssertionError("step '" + step + "' has no output '" + output.name() + "'; its outputs are "
                    + record.outputs().keySet());
        }
        return ValueCodec.decode(output.type(), text);
    }

    public int attempts(String step) {
        return step(step).attempts().size();
    }

    /** The log of the step's last attempt. */
    public String log(String step) {
        String file = step(step).logFile();
        if (file == null) {
            throw new AssertionError("step '" + step + "' has no log: it is " + describe(step(step)));
        }
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read the log of step '" + step + "': " + e.getMessage(), e);
        }
    }

    /** The steps that ran (or were stubbed), in the order they started. */
    public List<String> executionOrder() {
        return run.record().stepsInOrder().stream()
                .filter(s -> StepRecord.STEP.equals(s.kind()) && !s.attempts().isEmpty())
                .map(StepRecord::path)
                .toList();
    }

    public PipelineResult assertSucceeded() {
        if (!succeeded()) {
            StringBuilder b = new StringBuilder("pipeline " + record().pipeline() + " "
                    + status().workflowStatus().toLowerCase(Locale.ROOT)
                    + (record().message() == null ? "" : ": " + record().message()));
            record().stepsInOrder().stream()
                    .filter(s -> s.status() == StepStatus.FAILED || s.status() == StepStatus.ERROR)
                    .filter(s -> s.logFile() != null)
                    .findFirst()
                    .ifPresent(s -> b.append("\nlast lines of the log of step '")
                            .append(s.path())
                            .append("':\n")
                            .append(tail(s)));
            throw new AssertionError(b.toString());
        }
        return this;
    }

    public PipelineResult assertFailed() {
        if (succeeded()) {
            throw new AssertionError("pipeline " + record().pipeline() + " succeeded, but it was expected to fail");
        }
        return this;
    }

    public PipelineResult assertSucceeded(String step) {
        return assertStatus(step, StepStatus.SUCCEEDED);
    }

    public PipelineResult assertSkipped(String step) {
        return assertStatus(step, StepStatus.SKIPPED);
    }

    public PipelineResult assertFailed(String step) {
        return assertStatus(step, StepStatus.FAILED);
    }

    /** That {@code first} finished before {@code then} started. */
    public PipelineResult assertRanBefore(String first, String then) {
        StepRecord a = step(first);
        StepRecord b = step(then);
        requireRan(a);
        requireRan(b);
        if (a.endOrder() >= b.startOrder()) {
            throw new AssertionError("expected step '" + first + "' to finish before '" + then
                    + "' started, but the steps ran " + executionOrder());
        }
        return this;
    }

    private PipelineResult assertStatus(String step, StepStatus expected) {
        StepRecord record = step(step);
        if (record.status() != expected) {
            throw new AssertionFailedError(
                    "expected step '" + step + "' to be " + expected.label().toLowerCase(Locale.ROOT) + ", but it is "
                            + describe(record)
                            + (record.logFile() == null ? "" : "\nlast lines of its log:\n" + tail(record)),
                    expected,
                    record.status());
        }
        return this;
    }

    private void requireRan(StepRecord step) {
        if (step.startOrder() == 0 || step.status() == StepStatus.SKIPPED || step.status() == StepStatus.OMITTED) {
            throw new AssertionError("step '" + step.path() + "' did not run: it is " + describe(step));
        }
    }

    private StepRecord step(String path) {
        return run.record()
                .step(path)
                .orElseThrow(() -> new AssertionError("the run has no step '" + path + "'; its steps are "
                        + run.record().steps().keySet()));
    }

    private static String describe(StepRecord step) {
        return step.status().label().toLowerCase(Locale.ROOT)
                + (step.message() == null ? "" : " (" + step.message() + ")");
    }

    private static String tail(StepRecord step) {
        try {
            List<String> lines = Files.readAllLines(Path.of(step.logFile()), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + step.logFile() + ": " + e.getMessage() + ")";
        }
    }

    private static Object artifact(Class<?> type, Path dir) {
        if (type == Dataset.class) {
            return new Dataset(dir);
        }
        if (type == Model.class) {
            return new Model(dir);
        }
        return new Directory(dir);
    }
}
