package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.runtime.fixtures.FileLatch;
import dev.fermion.runtime.fixtures.ResumeFixture;
import dev.fermion.runtime.fixtures.Steps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a real runner process mid-run, then resumes the run without redoing what had finished. */
class ResumeTest {
    @TempDir
    Path home;

    @TempDir
    Path latch;

    @Test
    void resumesAKilledRunWithoutRerunningFinishedSteps() throws Exception {
        Process runner = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ResumeFixture.class.getName(),
                        home.toString(),
                        latch.toString())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("runner.log").toFile())
                .start();
        try {
            assertThat(FileLatch.await(latch.resolve("started-second-1"), Duration.ofMinutes(2)))
                    .as("the runner reached the blocking step; its log: %s", home.resolve("runner.log"))
                    .isTrue();
        } finally {
            runner.destroyForcibly();
            runner.waitFor();
        }
        RunStore store = new RunStore(new FermionHome(home));
        String runId = onlyRun();
        RunRecord killed = store.load(runId);
        assertThat(killed.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(killed.interrupted())
                .as(
                        "pid %s of %s: %s",
                        killed.runnerPid(),
                        runner.pid(),
                        ProcessHandle.of(killed.runnerPid()).map(h -> h.info().toString()))
                .isTrue();
        assertThat(killed.displayStatus()).isEqualTo("Interrupted");
        assertThat(killed.step("first").orElseThrow().status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(killed.step("second").orElseThrow().status()).isEqualTo(StepStatus.RUNNING);
        RunRecord seen = killed.settled();
        assertThat(seen.status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(seen.step("second").orElseThrow().status())
                .as("not running: its runner is gone")
                .isEqualTo(StepStatus.ERROR);
        assertThat(seen.step("second").orElseThrow().attempts())
                .extracting(AttemptRecord::status)
                .containsExactly(StepStatus.ERROR);
        assertThat(seen.step("first").orElseThrow())
                .isEqualTo(killed.step("first").orElseThrow());

        FileLatch.open(latch.resolve("go"));
        RunOptions options =
                RunOptions.defaults().withHome(new FermionHome(home)).withCache(false);
        RunResult resumed = new LocalRunner(options).resume(runId, ResumeFixture.PIPELINE.plan());

        assertThat(resumed.succeeded()).as(RunStore.toJson(resumed.record())).isTrue();
        assertThat(resumed.runId()).isEqualTo(runId);
        StepRecord first = resumed.step("first");
        assertThat(first.resumed()).isTrue();
        StepRecord before = killed.step("first").orElseThrow();
        assertThat(List.of(first.startedAt(), first.finishedAt()))
                .as("it ran before the kill, and took as long as it took then")
                .containsExactly(before.startedAt(), before.finishedAt());
        assertThat(first.endOrder()).isLessThan(resumed.step("second").startOrder());
        assertThat(first.attempts()).hasSize(1);
        assertThat(resumed.runDir().resolve("steps/first/attempt-2")).doesNotExist();
        StepRecord second = resumed.step("second");
        assertThat(second.attempts())
                .extracting(AttemptRecord::status)
                .containsExactly(StepStatus.ERROR, StepStatus.SUCCEEDED);
        assertThat(second.attempts().get(0).message()).contains("runner stopped");
        assertThat(resumed.step("third").outputs()).containsEntry("out", "released");
        assertThat(store.load(runId).status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void resumingAnUnknownOrCorruptRunIsASetupError() throws Exception {
        LocalRunner runner = new LocalRunner(RunOptions.defaults().withHome(new FermionHome(home)));
        assertThatThrownBy(() -> runner.resume("nope", ResumeFixture.PIPELINE.plan()))
                .isInstanceOf(UnknownRunException.class)
                .hasMessageContaining("no run with id 'nope'")
                // The command line adds how to list runs, in the command as its user typed it.
                .message()
                .doesNotContain("fermion");

        Path record = Files.createDirectories(home.resolve("runs/broken")).resolve("run.json");
        Files.writeString(record, "{\"runId\": \"broken\", ");
        assertThatThrownBy(() -> runner.resume("broken", ResumeFixture.PIPELINE.plan()))
                .isInstanceOf(RunSetupException.class)
                .hasMessageContaining("is corrupt")
                .hasMessageContaining("left as it is");
        assertThat(record).hasContent("{\"runId\": \"broken\", ");
    }

    @Test
    void aFailedRunResumesFromItsFailedStep() throws Exception {
        var pipeline = dev.fermion.dsl.Pipeline.named("fixable").define(p -> {
            var marker = p.param("marker", latch.resolve("fixed").toString());
            var first = p.step("first", new Steps.Emit());
            p.step("check", new Steps.RequireFile())
                    .with(Steps.RequireFile.PATH, marker)
                    .after(first);
        });
        LocalRunner runner = new LocalRunner(
                RunOptions.defaults().withHome(new FermionHome(home)).withCache(false));
        RunResult failed = runner.run(pipeline.plan(), Map.of());
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);

        Files.writeString(latch.resolve("fixed"), "now it exists");
        RunResult resumed = runner.resume(failed.runId(), pipeline.plan());

        assertThat(resumed.succeeded()).isTrue();
        assertThat(resumed.step("first").resumed()).isTrue();
        assertThat(resumed.step("first").attempts()).hasSize(1);
        assertThat(resumed.step("check").attempts())
                .extracting(AttemptRecord::status)
                .containsExactly(StepStatus.FAILED, StepStatus.SUCCEEDED);
    }

    private String onlyRun() throws Exception {
        try (Stream<Path> runs = Files.list(home.resolve("runs"))) {
            List<Path> dirs = new ArrayList<>(runs.toList());
            assertThat(dirs).hasSize(1);
            return dirs.get(0).getFileName().toString();
        }
    }
}
