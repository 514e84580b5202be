package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.dsl.Pipeline;
import dev.fermion.runtime.fixtures.Steps.AddOne;
import dev.fermion.runtime.fixtures.Steps.AddTwo;
import dev.fermion.runtime.fixtures.Steps.Block;
import dev.fermion.runtime.fixtures.Steps.CountLines;
import dev.fermion.runtime.fixtures.Steps.Emit;
import dev.fermion.runtime.fixtures.Steps.EnvEcho;
import dev.fermion.runtime.fixtures.Steps.Fail;
import dev.fermion.runtime.fixtures.Steps.ReadText;
import dev.fermion.runtime.fixtures.Steps.RejectInput;
import dev.fermion.runtime.fixtures.Steps.WriteText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same pipelines, each step in its own JVM started through the launcher main, as in a pod. */
class ProcessIsolationTest {
    @TempDir
    Path home;

    private RunResult run(Pipeline pipeline) {
        return run(pipeline, Map.of());
    }

    private RunResult run(Pipeline pipeline, Map<String, String> params) {
        RunOptions options = RunOptions.defaults()
                .withHome(new FermionHome(home))
                .withIsolation(Isolation.PROCESS)
                .withParallelism(2)
                .withCache(false);
        return new LocalRunner(options).run(pipeline.plan(), params);
    }

    @Test
    void runsEveryStepThroughTheLauncherInItsOwnJvm() {
        Pipeline pipeline = Pipeline.named("isolated").define(p -> {
            var write = p.step("write", new WriteText()).with(WriteText.TEXT, "across processes");
            p.step("read", new ReadText()).with(ReadText.DATA, write.out(WriteText.DATA));
            p.forEach(
                    "each",
                    List.of(1, 2),
                    (body, item) -> body.step("inc", new AddOne()).with(AddOne.X, item));
            p.step("sub", new AddTwo()).with(AddTwo.X, 1);
            p.step("env", new EnvEcho())
                    .with(EnvEcho.NAME, "STEP_TEST_VALUE")
                    .env("STEP_TEST_VALUE", "from-step-options");
        });

        RunResult result = run(pipeline);

        assertThat(result.succeeded()).as(RunStore.toJson(result.record())).isTrue();
        assertThat(result.record().isolation()).isEqualTo("process");
        assertThat(result.step("read").outputs()).containsEntry("content", "across processes");
        assertThat(result.step("each/1/inc").outputs()).containsEntry("y", "3");
        assertThat(Path.of(result.step("each/1/inc").logFile())).content().contains("adding one to 2");
        assertThat(result.step("sub").outputs()).containsEntry("y", "3");
        assertThat(result.step("env").outputs()).containsEntry("value", "from-step-options");
    }

    @Test
    void parameterValuesThatLookArmouredCrossTheProcessBoundaryAsGiven() {
        Pipeline pipeline = Pipeline.named("isolated-exact")
                .define(p -> p.step("echo", new Emit()).with(Emit.VALUE, p.param("label", "species")));

        RunResult result = run(pipeline, Map.of("label", "fermion:b64:c3BlY2llcw=="));

        assertThat(result.succeeded()).as(RunStore.toJson(result.record())).isTrue();
        assertThat(result.step("echo").outputs()).containsEntry("out", "fermion:b64:c3BlY2llcw==");
    }

    @Test
    void aStepProcessThatCannotUseItsInputIsNotRetried() {
        Pipeline pipeline = Pipeline.named("isolated-bad-input")
                .define(p -> p.step("reject", new RejectInput()).retries(2));

        RunResult result = run(pipeline);

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.step("reject").attempts()).hasSize(1);
        assertThat(result.step("reject").attempts().get(0).exitCode()).isEqualTo(3);
        assertThat(result.step("reject").message()).contains("cannot use its input: input 'data': the split is empty");
    }

    /** The source digest is made by the launcher in a child JVM, as a pod makes it in its own container. */
    @Test
    void aStepThatReadsAFileIsDigestedInItsOwnJvmAndCachedByContent() throws Exception {
        Path data = java.nio.file.Files.writeString(home.resolve("lines.txt"), "one\ntwo\n");
        Pipeline pipeline = Pipeline.named("isolated-source")
                .define(p -> p.step("count", new CountLines()).with(CountLines.PATH, data.toString()));
        RunOptions options =
                RunOptions.defaults().withHome(new FermionHome(home)).withIsolation(Isolation.PROCESS);

        RunResult first = new LocalRunner(options).run(pipeline.plan(), Map.of());
        RunResult second = new LocalRunner(options).run(pipeline.plan(), Map.of());
        java.nio.file.Files.writeString(data, "one\n");
        RunResult changed = new LocalRunner(options).run(pipeline.plan(), Map.of());

        assertThat(first.step("count").outputs())
                .as(RunStore.toJson(first.record()))
                .containsEntry("lines", "2");
        assertThat(second.step("count").cacheHit()).isTrue();
        assertThat(changed.step("count").cacheHit()).isFalse();
        assertThat(changed.step("count").outputs()).containsEntry("lines", "1");
        assertThat(home.resolve("runs").resolve(first.runId()).resolve("steps/count/source/digest"))
                .isNotEmptyFile();
    }

    @Test
    void aStepProcessPastItsTimeoutIsKilledAndFails(@TempDir Path latch) {
        RunResult result = run(Pipeline.named("isolated-timeout")
                .define(p -> p.step("stuck", new Block())
                        .with(Block.DIR, latch.toString())
                        .timeout(Duration.ofSeconds(5))));

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        AttemptRecord attempt = result.step("stuck").attempts().get(0);
        assertThat(attempt.message())
                .isEqualTo("step 'stuck' timed out after 5s (its timeout); the attempt was stopped");
        assertThat(latch.resolve("started-stuck-1")).exists();
    }

    @Test
    void aFailingStepProcessReportsTheLaunchersMessage() {
        RunResult result = run(Pipeline.named("isolated-failure").define(p -> p.step("boom", new Fail())));

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        AttemptRecord attempt = result.step("boom").attempts().get(0);
        assertThat(attempt.exitCode()).isEqualTo(1);
        assertThat(attempt.message())
                .isEqualTo("step 'boom' (Steps.Fail) failed: IllegalStateException: failing because it had to");
        assertThat(Path.of(attempt.logFile()))
                .content()
                .contains("about to fail")
                .contains("at dev.fermion.runtime.fixtures.Steps$Fail.run");
    }
}
