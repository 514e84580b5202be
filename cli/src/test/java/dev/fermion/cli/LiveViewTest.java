package dev.fermion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.runtime.local.AttemptRecord;
import dev.fermion.runtime.local.StepRecord;
import dev.fermion.runtime.local.StepStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveViewTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private static StepRecord step(String path, StepStatus status, boolean cacheHit, int attempts) {
        List<AttemptRecord> history = java.util.stream.IntStream.rangeClosed(1, attempts)
                .mapToObj(n -> new AttemptRecord(
                        n, StepStatus.FAILED, T0.toString(), T0.plusSeconds(1).toString(), "log", 1, null))
                .toList();
        StepRecord pending =
                StepRecord.pending(path, path, StepRecord.STEP, "C").withAttempts(history);
        StepRecord running = pending.started(1, T0);
        return status == StepStatus.RUNNING
                ? running
                : running.finished(status, 2, T0.plusMillis(2500), null)
                        .withResults(java.util.Map.of(), java.util.Map.of(), java.util.Map.of(), cacheHit, false);
    }

    @Test
    void plainOutputPrintsOneLinePerChangeOfState() {
        StringWriter out = new StringWriter();
        try (LiveView view = new LiveView(new PrintWriter(out, true), false)) {
            view.stepChanged(StepRecord.pending("train", "train", StepRecord.STEP, "C"));
            view.stepChanged(step("train", StepStatus.RUNNING, false, 1));
            view.stepChanged(step("train", StepStatus.RUNNING, false, 1));
            view.stepChanged(step("train", StepStatus.SUCCEEDED, false, 3));
            view.stepChanged(step("prepare", StepStatus.SUCCEEDED, true, 0));
        }
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("  train                            running ");
        assertThat(lines.subList(1, 3))
                .containsExactly(
                        "  train                            succeeded      2.5s  (attempt 3)",
                        "  prepare                          cached         2.5s");
    }

    @Test
    void aTerminalGetsTheStepsAndAProgressBarRedrawnInPlace() {
        StringWriter out = new StringWriter();
        try (LiveView view = new LiveView(new PrintWriter(out, true), true)) {
            view.stepChanged(step("a", StepStatus.SUCCEEDED, false, 1));
            view.stepChanged(StepRecord.pending("b", "b", StepRecord.STEP, "C"));
        }
        String text = out.toString();
        assertThat(text)
                .contains("\u001b[J  a                                succeeded      2.5s")
                .contains("[###############---------------] 1/2 done")
                .contains("\u001b[2F\u001b[J");
    }

    @Test
    void durationsReadNaturally() {
        assertThat(LiveView.format(java.time.Duration.ofMillis(1234))).isEqualTo("1.2s");
        assertThat(LiveView.format(java.time.Duration.ofSeconds(125))).isEqualTo("2m05s");
    }
}
