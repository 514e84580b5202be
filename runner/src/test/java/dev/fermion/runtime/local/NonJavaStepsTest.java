package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Dag;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.ResourceCommand;
import dev.fermion.dsl.StepContext;
import dev.fermion.dsl.SubPipeline;
import dev.fermion.runtime.container.ContainerRuntime;
import dev.fermion.runtime.container.ResourceFixtures;
import dev.fermion.runtime.container.ToolFixtures.Annotate;
import dev.fermion.runtime.container.ToolFixtures.Consume;
import dev.fermion.runtime.container.ToolFixtures.CountLines;
import dev.fermion.runtime.container.ToolFixtures.Produce;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Container, script, resource and recursive steps in local runs, with the semantics they have on Argo. */
class NonJavaStepsTest {
    @TempDir
    Path home;

    private LocalRunner runner(ContainerRuntime runtime) {
        return new LocalRunner(RunOptions.defaults()
                .withHome(new FermionHome(home))
                .withParallelism(2)
                .withContainerRuntime(runtime));
    }

    static Pipeline tools() {
        return Pipeline.named("tools").define(p -> {
            var produce = p.step("produce", new Produce()).with(Produce.ROWS, 3);
            var count = p.step("count", new CountLines())
                    .with(CountLines.DATA, produce.out(Produce.DATA))
                    .with(CountLines.LABEL, produce.out(Produce.LABEL));
            var annotate = p.step("annotate", new Annotate())
                    .with(Annotate.LINES, count.out(CountLines.LINES))
                    .with(Annotate.COPY, count.out(CountLines.COPY));
            p.step("consume", new Consume())
                    .with(Consume.REPORT, annotate.out(Annotate.REPORT))
                    .with(Consume.SUMMARY, annotate.out(Annotate.SUMMARY));
        });
    }

    @Test
    void javaContainerAndScriptStepsPassParametersAndArtifactsBothWays() {
        RunResult result = runner(ContainerRuntime.HOST).run(tools().plan(), Map.of());

        assertThat(result.succeeded()).as(result.record().message()).isTrue();
        assertThat(result.step("count").outputs()).containsEntry("lines", "3");
        assertThat(result.step("consume").outputs())
                .containsEntry("result", "rows=3 / it's \"quoted\"; $HOME `no` shell|3");
        assertThat(result.step("count").digests().get("copy")).startsWith("sha256:");
    }

    @Test
    void containerStepsAreCachedLikeJavaSteps() {
        runner(ContainerRuntime.HOST).run(tools().plan(), Map.of());

        RunResult again = runner(ContainerRuntime.HOST).run(tools().plan(), Map.of());

        assertThat(again.succeeded()).isTrue();
        assertThat(again.record().steps().values())
                .allSatisfy(step -> assertThat(step.cacheHit()).isTrue());
    }

    /** An image chosen when the run starts is what the step runs, so it is part of the step's cache key, as on Argo. */
    @Test
    void aContainerStepsImageFromAParameterIsPartOfItsCacheKey() {
        Pipeline pipeline = Pipeline.named("image-param").define(p -> {
            var image = p.param("image", "busybox:1.36");
            var produce = p.step("produce", new Produce()).with(Produce.ROWS, 2);
            p.step("count", new CountLines())
                    .with(CountLines.DATA, produce.out(Produce.DATA))
                    .with(CountLines.LABEL, produce.out(Produce.LABEL))
                    .image(image);
        });

        RunResult first = runner(ContainerRuntime.HOST).run(pipeline.plan(), Map.of());
        RunResult same = runner(ContainerRuntime.HOST).run(pipeline.plan(), Map.of());
        RunResult other = runner(ContainerRuntime.HOST).run(pipeline.plan(), Map.of("image", "busybox:1.37"));

        assertThat(first.succeeded()).as(first.record().message()).isTrue();
        assertThat(same.step("count").cacheHit()).isTrue();
        assertThat(other.step("count").cacheHit()).isFalse();
        assertThat(other.step("count").cacheKey())
                .isNotEqualTo(first.step("count").cacheKey());
    }

    @Test
    void aFailingContainerStepFailsTheRunWithItsExitCode() {
        Pipeline pipeline = Pipeline.named("failing")
                .define(p -> p.step("fail", new dev.fermion.runtime.container.ToolFixtures.Fail())
                        .with(dev.fermion.runtime.container.ToolFixtures.Fail.STATUS, 3));

        RunResult result = runner(ContainerRuntime.HOST).run(pipeline.plan(), Map.of());

        assertThat(result.succeeded()).isFalse();
        StepRecord fail = result.step("fail");
        assertThat(fail.status()).isEqualTo(StepStatus.FAILED);
        assertThat(fail.attempts())
                .singleElement()
                .satisfies(a -> assertThat(a.exitCode()).isEqualTo(3));
    }

    @Test
    void resourceStepsWithoutAClusterStopTheRunBeforeItStarts() {
        assumeTrue(
                System.getenv("KUBECONFIG") == null
                        && !Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config")),
                "this machine has a kubeconfig");
        Pipeline pipeline = Pipeline.named("cluster").define(p -> {
            p.step("first", new Decrement()).with(Decrement.N, 2);
            p.step(
                    "claim",
                    new ResourceFixtures.Named(() -> ResourceCommand.apply(
                            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: state\ndata:\n  state: ready\n")));
        });

        assertThatThrownBy(() -> runner(ContainerRuntime.HOST).run(pipeline.plan(), Map.of()))
                .isInstanceOf(RunSetupException.class)
                .hasMessageContaining("pipeline 'cluster', step 'claim'")
                .hasMessageContaining("KUBECONFIG");
        assertThat(new RunStore(new FermionHome(home)).list(new java.util.ArrayList<>()))
                .isEmpty();
    }

    @Test
    void doWhileRecursesUntilItsConditionIsFalse() {
        Pipeline pipeline = Pipeline.named("countdown")
                .define(p -> p.step("count", new Countdown()).with(Countdown.FROM, 3));

        RunResult result = runner(ContainerRuntime.AUTO).run(pipeline.plan(), Map.of());

        assertThat(result.succeeded()).as(result.record().message()).isTrue();
        assertThat(result.step("count/dec").outputs()).containsEntry("next", "2");
        assertThat(result.step("count/again/dec").outputs()).containsEntry("next", "1");
        assertThat(result.step("count/again/again/dec").outputs()).containsEntry("next", "0");
        assertThat(result.step("count/again/again/again").status()).isEqualTo(StepStatus.SKIPPED);
    }

    @Test
    void recursionStopsAtItsMaximumDepthWithAClearFailure() {
        Pipeline pipeline = Pipeline.named("countdown")
                .define(p -> p.step("count", new Countdown()).with(Countdown.FROM, 50));

        RunResult result = runner(ContainerRuntime.AUTO).run(pipeline.plan(), Map.of());

        assertThat(result.succeeded()).isFalse();
        assertThat(result.record().message()).contains("maximum depth of " + Countdown.MAX_DEPTH + " levels");
    }

    public static final class Decrement extends Component {
        public static final Input<Integer> N = input("n", Integer.class);
        public static final Output<Integer> NEXT = output("next", Integer.class);
        public static final Output<Boolean> MORE = output("more", Boolean.class);

        @Override
        protected void run(StepContext ctx) {
            int next = ctx.get(N) - 1;
            ctx.put(NEXT, next);
            ctx.put(MORE, next > 0);
        }
    }

    /** Counts down by one per level until zero: a do-while loop written as recursion. */
    public static final class Countdown extends SubPipeline {
        static final int MAX_DEPTH = 5;
        public static final Input<Integer> FROM = input("from", Integer.class);

        @Override
        protected void define(Dag dag) {
            var dec = dag.step("dec", new Decrement()).with(Decrement.N, dag.input(FROM));
            dag.when(
                    dec.out(Decrement.MORE).isTrue(),
                    b -> b.recurse("again", this, MAX_DEPTH).with(FROM, dec.out(Decrement.NEXT)));
        }
    }
}
