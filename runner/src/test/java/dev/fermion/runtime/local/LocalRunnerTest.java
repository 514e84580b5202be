package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;
import dev.fermion.dsl.Value;
import dev.fermion.plan.Retry;
import dev.fermion.runtime.fixtures.Steps.AddOne;
import dev.fermion.runtime.fixtures.Steps.AddTwo;
import dev.fermion.runtime.fixtures.Steps.Block;
import dev.fermion.runtime.fixtures.Steps.Emit;
import dev.fermion.runtime.fixtures.Steps.Fail;
import dev.fermion.runtime.fixtures.Steps.Flaky;
import dev.fermion.runtime.fixtures.Steps.Range;
import dev.fermion.runtime.fixtures.Steps.ReadFile;
import dev.fermion.runtime.fixtures.Steps.ReadText;
import dev.fermion.runtime.fixtures.Steps.RejectInput;
import dev.fermion.runtime.fixtures.Steps.Rendezvous;
import dev.fermion.runtime.fixtures.Steps.Report;
import dev.fermion.runtime.fixtures.Steps.Score;
import dev.fermion.runtime.fixtures.Steps.Sum;
import dev.fermion.runtime.fixtures.Steps.WriteText;
import dev.fermion.testfixtures.NestedConditions;
import dev.fermion.types.InlineFile;
import dev.fermion.types.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each Argo construct, run locally: order, skipping, loops, fan-in, sub-pipelines, exit handler, retries. */
class LocalRunnerTest {
    @TempDir
    Path home;

    private RunResult run(Pipeline pipeline, Map<String, String> params) {
        return runner().run(pipeline.plan(), params);
    }

    private LocalRunner runner() {
        return new LocalRunner(
                RunOptions.defaults().withHome(new FermionHome(home)).withParallelism(4));
    }

    private static void assertRanBefore(RunResult result, String first, String then) {
        assertThat(result.step(first).endOrder())
                .as(first + " ends before " + then + " starts")
                .isLessThan(result.step(then).startOrder());
    }

    @Test
    void passesOutputsDownstreamInDependencyOrder() {
        Pipeline pipeline = Pipeline.named("chain").define(p -> {
            var start = p.param("start", 1);
            var a = p.step("a", new AddOne()).with(AddOne.X, start);
            var b = p.step("b", new AddOne()).with(AddOne.X, a.out(AddOne.Y));
            p.step("c", new AddOne()).with(AddOne.X, b.out(AddOne.Y));
        });

        RunResult result = run(pipeline, Map.of("start", "10"));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.step("c").outputs()).containsEntry("y", "13");
        assertRanBefore(result, "a", "b");
        assertRanBefore(result, "b", "c");
        assertThat(result.step("a").attempts()).hasSize(1);
        assertThat(Path.of(result.step("a").logFile())).content().contains("adding one to 10");
        assertThat(new RunStore(new FermionHome(home)).load(result.runId()).status())
                .isEqualTo(RunStatus.SUCCEEDED);
    }

    /** The pipeline's declared results end up in the run record, in the order they were declared. */
    @Test
    void aRunRecordsThePipelinesResults() {
        Pipeline pipeline = Pipeline.named("results").define(p -> {
            var score = p.step("score", new Score()).with(Score.SCORE, p.param("score", 0.97));
            p.result("accuracy", score.out(Score.ACCURACY));
            p.result("start", p.param("start", 3));
        });

        RunResult result = run(pipeline, Map.of());

        assertThat(result.record().results()).containsExactly(Map.entry("accuracy", "0.97"), Map.entry("start", "3"));
        assertThat(new RunStore(new FermionHome(home)).load(result.runId()).results())
                .isEqualTo(result.record().results());
    }

    /** A value that merely looks like Fermion's transport armour is a value like any other. */
    @Test
    void parameterValuesArriveExactlyAsGivenEvenWhenTheyLookArmoured() {
        Pipeline pipeline = Pipeline.named("exact").define(p -> {
            var label = p.param("label", "species");
            var first = p.step("first", new Emit()).with(Emit.VALUE, label);
            p.step("second", new Emit()).with(Emit.VALUE, first.out(Emit.OUT));
        });

        for (String value : List.of("fermion:b64:c3BlY2llcw==", "fermion:b64:!!!", "{{workflow.uid}}")) {
            RunResult result = run(pipeline, Map.of("label", value));

            assertThat(result.succeeded()).as(value).isTrue();
            assertThat(result.step("first").outputs()).as(value).containsEntry("out", value);
            assertThat(result.step("second").outputs()).as(value).containsEntry("out", value);
        }
    }

    @Test
    void runsIndependentStepsInParallel() {
        Rendezvous.BARRIER.reset();
        Pipeline pipeline = Pipeline.named("parallel").define(p -> {
            p.step("left", new Rendezvous()).noCache();
            p.step("right", new Rendezvous()).noCache();
        });

        RunResult result = run(pipeline, Map.of());

        assertThat(result.succeeded()).isTrue();
        assertThat(result.step("left").outputs()).containsEntry("out", "left");
    }

    @Test
    void skipsTheBranchWhoseConditionIsFalseAndRunsTheOtherOne() {
        Pipeline pipeline = Pipeline.named("branches").define(p -> {
            var score = p.param("score", 0.95);
            var eval = p.step("evaluate", new Score()).with(Score.SCORE, score);
            p.when(
                            eval.out(Score.ACCURACY).atLeast(0.9),
                            b -> b.step("deploy", new Emit()).with(Emit.VALUE, "deployed"))
                    .otherwise(b -> b.step("alert", new Emit()).with(Emit.VALUE, "alerted"));
        });

        RunResult good = run(pipeline, Map.of());
        assertThat(good.step("deploy").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(good.step("alert").status()).isEqualTo(StepStatus.SKIPPED);

        RunResult bad = run(pipeline, Map.of("score", "0.5"));
        assertThat(bad.succeeded()).isTrue();
        assertThat(bad.step("deploy").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(bad.step("deploy").message()).contains("evaluate.accuracy >= 0.9");
        assertThat(bad.step("alert").outputs()).containsEntry("out", "alerted");
    }

    @Test
    void stepsAfterASkippedStepStillRunAsInArgo() {
        Pipeline pipeline = Pipeline.named("after-skip").define(p -> {
            var flag = p.param("flag", false);
            var eval = p.step("check", new Emit()).with(Emit.VALUE, "x");
            var guarded =
                    p.when(flag.isTrue(), b -> b.step("guarded", new Emit())).then();
            p.step("final", new Emit()).after(guarded, eval);
        });

        RunResult result = run(pipeline, Map.of());

        assertThat(result.step("guarded").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(result.step("final").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertRanBefore(result, "guarded", "final");
    }

    @Test
    void loopsOverAStaticListAndCollectsOutputsInItemOrder() {
        Pipeline pipeline = Pipeline.named("static-loop").define(p -> {
            var loop = p.forEach(
                    "each",
                    List.of(5, 1, 3),
                    (body, item) -> body.step("inc", new AddOne()).with(AddOne.X, item));
            p.step("total", new Sum()).with(Sum.VALUES, loop.collect(AddOne.Y));
        });

        RunResult result = run(pipeline, Map.of());

        assertThat(result.succeeded()).isTrue();
        assertThat(result.step("each/0/inc").outputs()).containsEntry("y", "6");
        assertThat(result.step("each/2/inc").outputs()).containsEntry("y", "4");
        assertThat(result.step("total").outputs())
                .containsEntry("seen", "[6, 2, 4]")
                .containsEntry("total", "12");
        assertThat(result.step("each").message()).isEqualTo("3 iterations");
    }

    /** Kubeflow's nested-condition pattern: the message of whichever branch ran, read after the branches. */
    @Test
    void readsTheOutputOfWhicheverNestedBranchRan() {
        Map<String, String> said = Map.of("3", "heads twice", "1", "heads, then tails", "2", "tails");
        said.forEach((seed, message) -> {
            RunResult result = run(NestedConditions.pipeline(), Map.of("seed", seed));
            assertThat(result.succeeded()).as(seed).isTrue();
            assertThat(result.step("report").outputs()).as(seed).containsEntry("said", message);
        });
        RunResult tails = run(NestedConditions.pipeline(), Map.of("seed", "2"));
        assertThat(tails.step("flip-again").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(tails.step("heads-heads").status()).isEqualTo(StepStatus.SKIPPED);
        assertRanBefore(tails, "tails", "report");
    }

    /** A constant file is a directory holding it, with the digest the launcher gives any artifact of that content. */
    @Test
    void aConstantFileIsAnArtifactLikeAnyOther() {
        String content = "line {{workflow.name}}\n";
        Pipeline pipeline = Pipeline.named("inline").define(p -> {
            p.step("read", new ReadText()).with(ReadText.DATA, InlineFile.of("text.txt", content));
            p.forEach(
                    "each",
                    List.of(1, 2),
                    (b, i) ->
                            b.step("read-too", new ReadText()).with(ReadText.DATA, InlineFile.of("text.txt", content)));
        });

        RunResult result = run(pipeline, Map.of());

        assertThat(result.succeeded()).as(RunStore.toJson(result.record())).isTrue();
        assertThat(result.step("read").outputs()).containsEntry("content", content);
        assertThat(result.step("each/1/read-too").outputs()).containsEntry("content", content);
        Path dir = result.runDir().resolve("inline");
        try (var dirs = Files.list(dir)) {
            Path only = dirs.findFirst().orElseThrow();
            assertThat(dev.fermion.runtime.launch.ContentDigest.of(only))
                    .isEqualTo(InlineFile.of("text.txt", content).digest());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A loop item's type in {@link #computedValuesAreTheValuesTheyAreMadeOf}. */
    public record Config(String label, int start, List<Integer> extra) {}

    /**
     * Item fields, lists of values and formatted strings, with the values Argo's expressions give them; maps and
     * nested lists of values are in {@code LoopItemsRunTest}.
     */
    @Test
    void computedValuesAreTheValuesTheyAreMadeOf() {
        Pipeline pipeline = Pipeline.named("computed").define(p -> {
            var configs = p.param(
                    "configs",
                    ValueType.listOf(Config.class),
                    List.of(new Config("a", 1, List.of(7)), new Config("b", 5, List.of())),
                    null);
            var one = p.step("one", new AddOne()).with(AddOne.X, 10);
            var each = p.forEach("each", configs, (b, config) -> {
                b.step("label", new Emit())
                        .with(
                                Emit.VALUE,
                                Value.format(
                                        "%s starts at %s, 100%%",
                                        config.get(Config::label), config.get(Config::start)));
                b.step("extra", new Sum()).with(Sum.VALUES, config.get(Config::extra));
                return b.step("inc", new AddOne()).with(AddOne.X, config.get(Config::start));
            });
            var built = p.forEach(
                    "built",
                    Value.listOf(one.out(AddOne.Y), Value.of(3)),
                    (b, x) -> b.step("again", new AddOne()).with(AddOne.X, x));
            p.step("total", new Sum()).with(Sum.VALUES, built.collect(AddOne.Y));
            p.step("firsts", new Sum()).with(Sum.VALUES, each.collect(AddOne.Y));
        });

        RunResult result = run(pipeline, Map.of());

        assertThat(result.succeeded()).as(RunStore.toJson(result.record())).isTrue();
        assertThat(result.step("each/1/label").outputs()).containsEntry("out", "b starts at 5, 100%");
        assertThat(result.step("each/0/extra").outputs()).containsEntry("seen", "[7]");
        assertThat(result.step("firsts").outputs()).containsEntry("seen", "[2, 6]");
        assertThat(result.step("total").outputs()).containsEntry("seen", "[12, 4]");
        assertRanBefore(result, "one", "built/0/again");
    }

    /** Iterations that skip the step give its fallback, so the fan-in still has one value per item, in order. */
    @Test
    void aFanInOfABranchHasOneValuePerItem() {
        Pipeline pipeline = Pipeline.named("conditional-fan-in").define(p -> {
            var loop = p.forEach("each", List.of(1, 5, 3), (body, item) -> {
                var inc = body.step("inc", new AddOne()).with(AddOne.X, item);
                var big = body.when(
                                inc.out(AddOne.Y).greaterThan(4),
                                b -> b.step("again", new AddOne()).with(AddOne.X, inc.out(AddOne.Y)))
                        .then();
                return big.out(AddOne.Y).orElse(inc.out(AddOne.Y));
            });
            p.step("total", new Sum()).with(Sum.VALUES, loop.collect(loop.body()));
        });

        RunResult result = run(pipeline, Map.of());

        assertThat(result.succeeded()).isTrue();
        assertThat(result.step("each/0/again").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(result.step("total").outputs()).containsEntry("seen", "[2, 7, 4]");
    }

    @Test
    void loopsOverAListFromAStepOutputAndFromAParameter() {
        Pipeline pipeline = Pipeline.named("dynamic-loop").define(p -> {
            var count = p.param("count", 3);
            var extra = p.param("extra", ValueType.listOf(Integer.class), List.of(10, 20));
            var range = p.step("range", new Range()).with(Range.COUNT, count);
            var fromStep = p.forEach(
                    "per-item",
                    range.out(Range.ITEMS),
                    (body, item) -> body.step("inc", new AddOne()).with(AddOne.X, item));
            var fromParam = p.forEach(
                    "per-extra",
                    extra,
                    (body, item) -> body.step("inc-extra", new AddOne()).with(AddOne.X, item));
            p.step("total", new Sum()).with(Sum.VALUES, fromStep.collect(AddOne.Y));
            p.step("total-extra", new Sum()).with(Sum.VALUES, fromParam.collect(inc -> inc.out(AddOne.Y)));
        });

        RunResult result = run(pipeline, Map.of("extra", "[1, 2, 3, 4]"));

        assertThat(result.step("total").outputs()).containsEntry("seen", "[1, 2, 3]");
        assertThat(result.step("total-extra").outputs()).containsEntry("seen", "[2, 3, 4, 5]");
        assertRanBefore(result, "range", "per-item/0/inc");
    }

    @Test
    void anEmptyDynamicListSkipsTheLoopAndCollectsNothing() {
        Pipeline pipeline = Pipeline.named("empty-loop").define(p -> {
            var range = p.step("range", new Range()).with(Range.COUNT, 0);
            var loop = p.forEach(
                    "per-item",
                    range.out(Range.ITEMS),
                    (body, item) -> body.step("inc", new AddOne()).with(AddOne.X, item));
            p.step("total", new Sum()).with(Sum.VALUES, loop.collect(AddOne.Y));
        });

        RunResult result = run(pipeline, Map.of());

        assertThat(result.step("per-item").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(result.step("total").outputs()).containsEntry("total", "0");
    }

    @Test
    void nestsLoopsBranchesAndSubPipelines() {
        Pipeline pipeline = Pipeline.named("nested").define(p -> {
            var base = p.step("base", new AddOne()).with(AddOne.X, 0);
            var outer = p.forEach("outer", List.of(10, 20), (body, o) -> {
                var sub = body.step("sub", new AddTwo()).with(AddTwo.X, o);
                body.when(
                        sub.out(AddTwo.Y).greaterThan(15),
                        b -> b.step("big", new Emit()).with(Emit.VALUE, "big"));
                return body.forEach(
                        "inner",
                        List.of(1, 2),
                        (inner, i) -> inner.step("deep", new AddOne()).with(AddOne.X, base.out(AddOne.Y)));
            });
            p.step("after", new Emit()).after(outer);
        });

        RunResult result = run(pipeline, Map.of());

        assertThat(result.succeeded()).as(RunStore.toJson(result.record())).isTrue();
        assertThat(result.step("outer/1/sub").outputs()).containsEntry("y", "22");
        assertThat(result.step("outer/1/sub/second").outputs()).containsEntry("y", "22");
        assertThat(result.step("outer/0/big").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(result.step("outer/1/big").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.step("outer/1/inner/1/deep").outputs()).containsEntry("y", "2");
        assertRanBefore(result, "outer/1/inner/1/deep", "after");
    }

    @Test
    void capsLoopParallelism() {
        Pipeline pipeline = Pipeline.named("capped")
                .define(p -> p.forEach(
                                "each",
                                List.of(1, 2, 3, 4),
                                (body, item) -> body.step("inc", new AddOne()).with(AddOne.X, item))
                        .parallelism(1));

        RunResult result = run(pipeline, Map.of());

        for (int i = 0; i < 3; i++) {
            assertRanBefore(result, "each/" + i + "/inc", "each/" + (i + 1) + "/inc");
        }
    }

    @Test
    void runsSubPipelinesWithTheirInputsAndOutputs() {
        Pipeline pipeline = Pipeline.named("with-sub").define(p -> {
            var plus = p.step("plus-two", new AddTwo()).with(AddTwo.X, 40);
            p.step("after", new AddOne()).with(AddOne.X, plus.out(AddTwo.Y));
        });

        RunResult result = run(pipeline, Map.of());

        assertThat(result.succeeded()).isTrue();
        assertThat(result.step("plus-two/first").outputs()).containsEntry("y", "41");
        assertThat(result.step("plus-two").outputs()).containsEntry("y", "42");
        assertThat(result.step("after").outputs()).containsEntry("y", "43");
        assertRanBefore(result, "plus-two/second", "after");
    }

    @Test
    void runsTheExitHandlerWithTheStatusOnSuccessAndOnFailure() {
        Pipeline ok = Pipeline.named("exit-ok").define(p -> {
            p.step("work", new Emit());
            p.onExit(e -> e.step("notify", new Report()).with(Report.STATUS, e.status()));
        });
        Pipeline failing = Pipeline.named("exit-failed").define(p -> {
            p.step("work", new Fail());
            p.onExit(e -> e.step("notify", new Report()).with(Report.STATUS, e.status()));
        });

        RunResult succeeded = run(ok, Map.of());
        RunResult failed = run(failing, Map.of());

        assertThat(succeeded.step("notify").outputs()).containsEntry("out", "pipeline Succeeded");
        assertRanBefore(succeeded, "work", "notify");
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.step("notify").outputs()).containsEntry("out", "pipeline Failed");
        assertThat(failed.record().message())
                .contains("step 'work' (Steps.Fail) failed")
                .contains("failing because it had to");
    }

    @Test
    void aStepThatCannotUseItsInputIsNotRetried() {
        Pipeline pipeline = Pipeline.named("bad-input").define(p -> {
            p.step("reject", new RejectInput()).retry(Retry.times(3).policy(Retry.Policy.ALWAYS));
            p.step("read", new ReadFile())
                    .with(ReadFile.PATH, home.resolve("missing.csv").toString())
                    .retries(2);
        });

        RunResult result = runner().run(pipeline.plan(), Map.of());

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        for (String step : List.of("reject", "read")) {
            assertThat(result.step(step).status()).isEqualTo(StepStatus.FAILED);
            assertThat(result.step(step).attempts()).as(step).hasSize(1);
            assertThat(result.step(step).attempts().get(0).badInput()).as(step).isTrue();
        }
        assertThat(result.step("reject").message()).contains("cannot use its input: input 'data': the split is empty");
        assertThat(result.step("read").message()).contains("no such file: " + home.resolve("missing.csv"));
    }

    @Test
    void retriesWithThePolicyUntilTheStepSucceeds() {
        Pipeline pipeline = Pipeline.named("retries")
                .define(p -> p.step("flaky", new Flaky())
                        .with(Flaky.FAILURES, 2)
                        .retry(Retry.times(3).backoff(Duration.ofMillis(5), 2, Duration.ofMillis(20))));

        RunResult result = run(pipeline, Map.of());

        assertThat(result.succeeded()).isTrue();
        assertThat(result.step("flaky").attempts())
                .extracting(AttemptRecord::status)
                .containsExactly(StepStatus.FAILED, StepStatus.FAILED, StepStatus.SUCCEEDED);
        assertThat(result.step("flaky").outputs()).containsEntry("attempt", "3");
        assertThat(Path.of(result.step("flaky").attempts().get(0).logFile()))
                .content()
                .contains("planned failure on attempt 1");
    }

    @Test
    void aFailedStepOmitsItsDependentsAndStopsNewSteps() {
        Pipeline pipeline = Pipeline.named("fail-fast").define(p -> {
            var flaky = p.step("flaky", new Flaky()).with(Flaky.FAILURES, 5).retries(1);
            p.step("downstream", new AddOne()).with(AddOne.X, flaky.out(Flaky.ATTEMPT));
        });

        RunResult result = run(pipeline, Map.of());

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.step("flaky").attempts()).hasSize(2);
        assertThat(result.step("flaky").status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.step("downstream").status()).isEqualTo(StepStatus.OMITTED);
    }

    @Test
    void anAttemptThatRunsPastItsTimeoutFails(@TempDir Path latch) {
        Pipeline pipeline = Pipeline.named("timeouts")
                .define(p -> p.step("stuck", new Block())
                        .with(Block.DIR, latch.toString())
                        .timeout(Duration.ofSeconds(1))
                        .retries(1));

        RunResult result = run(pipeline, Map.of());

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.step("stuck").attempts())
                .hasSize(2)
                .allSatisfy(a -> assertThat(a.message()).contains("timed out"));
    }

    /** Argo's activeDeadlineSeconds: running steps stop, nothing new starts, no retry, and the exit handler runs. */
    @Test
    void aPipelineThatRunsPastItsTimeoutFailsAndStillRunsItsExitHandler(@TempDir Path latch) {
        Pipeline pipeline = Pipeline.named("deadline")
                .timeout(Duration.ofSeconds(1))
                .keepFinished(Duration.ofDays(1))
                .deletePods(dev.fermion.plan.Lifecycle.PodGc.ON_POD_SUCCESS)
                .define(p -> {
                    var stuck = p.step("stuck", new Block())
                            .with(Block.DIR, latch.toString())
                            .retries(2);
                    p.step("after", new Emit()).after(stuck);
                    p.onExit(exit -> exit.step("report", new Emit()).with(Emit.VALUE, exit.status()));
                });

        RunResult result = run(pipeline, Map.of());

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.step("stuck").attempts())
                .singleElement()
                .satisfies(a -> assertThat(a.message())
                        .contains("pipeline 'deadline' reached its timeout of 1s", "step 'stuck' was stopped"));
        assertThat(result.step("after").status()).isEqualTo(StepStatus.OMITTED);
        assertThat(result.step("report").outputs()).containsEntry("out", "Failed");
        assertThat(result.record().message()).contains("reached its timeout of 1s");
    }

    @Test
    void aTimedOutStepThatIgnoresItsInterruptIsReportedAsStillRunning() {
        Pipeline pipeline = Pipeline.named("timeouts")
                .define(p -> p.step("deaf", new IgnoreInterrupts()).timeout(Duration.ofSeconds(1)));
        try {
            RunResult result = run(pipeline, Map.of());

            assertThat(result.status()).isEqualTo(RunStatus.FAILED);
            assertThat(result.step("deaf").attempts())
                    .singleElement()
                    .satisfies(a -> assertThat(a.message())
                            .contains("timed out after 1s", "ignored the interrupt", "--isolation process"));
        } finally {
            IgnoreInterrupts.RELEASE.countDown();
        }
    }

    /** Waits for the test's release and swallows every interrupt: a step a timeout cannot stop in-process. */
    public static final class IgnoreInterrupts extends Component {
        static final CountDownLatch RELEASE = new CountDownLatch(1);
        public static final Output<String> OUT = output("out", String.class);

        @Override
        protected void run(StepContext ctx) {
            while (true) {
                try {
                    RELEASE.await();
                    break;
                } catch (InterruptedException ignored) {
                    // deliberately deaf
                }
            }
            ctx.put(OUT, "done");
        }
    }

    @Test
    void passesArtifactsWithTheirDigestsAndMetrics() {
        Pipeline pipeline = Pipeline.named("artifacts").define(p -> {
            var write = p.step("write", new WriteText()).with(WriteText.TEXT, "some text");
            p.step("read", new ReadText()).with(ReadText.DATA, write.out(WriteText.DATA));
        });

        RunResult result = run(pipeline, Map.of());

        assertThat(result.step("read").outputs()).containsEntry("content", "some text");
        assertThat(result.step("write").digests().get("data")).startsWith("sha256:");
        Path metrics = Path.of(result.step("write").logFile()).resolveSibling("metrics.jsonl");
        assertThat(metrics).content().contains("\"key\":\"length\"").contains("\"value\":9.0");
    }

    @Test
    void rejectsUnknownParametersWrongTypesAndMissingRequiredOnes() {
        Pipeline pipeline = Pipeline.named("params").define(p -> {
            var count = p.param("count", 3);
            var name = p.param("name", String.class);
            p.step("a", new AddOne()).with(AddOne.X, count);
            p.step("b", new Emit()).with(Emit.VALUE, name);
        });

        assertThatThrownBy(() -> run(pipeline, Map.of("name", "x", "cuont", "1")))
                .isInstanceOf(RunSetupException.class)
                .hasMessageContaining("no parameter 'cuont'")
                .hasMessageContaining("count");
        assertThatThrownBy(() -> run(pipeline, Map.of("name", "x", "count", "three")))
                .isInstanceOf(RunSetupException.class)
                .hasMessageContaining("'count'")
                .hasMessageContaining("Integer");
        assertThatThrownBy(() -> run(pipeline, Map.of()))
                .isInstanceOf(RunSetupException.class)
                .hasMessageContaining("-p name=VALUE");
        assertThat(home.resolve("runs")).doesNotExist();
    }

    @Test
    void aStepThatCannotBeResolvedEndsInError() throws Exception {
        Pipeline pipeline = Pipeline.named("bad-class").define(p -> p.step("a", new Emit()));
        RunOptions options =
                RunOptions.defaults().withHome(new FermionHome(home)).withClassLoader(new ClassLoader(null) {}, "");

        RunResult result = new LocalRunner(options).run(pipeline.plan(), Map.of());

        assertThat(result.status()).isEqualTo(RunStatus.ERROR);
        assertThat(result.step("a").message()).contains("is not on the classpath");
        assertThat(Files.exists(home.resolve("runs").resolve(result.runId()).resolve("run.json")))
                .isTrue();
    }
}
