package dev.fermion.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.fermion.compiler.fixtures.Components.Best;
import dev.fermion.compiler.fixtures.Components.Echo;
import dev.fermion.compiler.fixtures.Components.Prepare;
import dev.fermion.compiler.fixtures.Components.Score;
import dev.fermion.compiler.fixtures.Components.Train;
import dev.fermion.compiler.fixtures.ToolSteps;
import dev.fermion.dsl.Configurable;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.PipelineDefinitionException;
import dev.fermion.dsl.Value;
import dev.fermion.plan.Lifecycle;
import dev.fermion.plan.NodeAffinity;
import dev.fermion.plan.Retry;
import dev.fermion.plan.Schedule;
import dev.fermion.plan.Sidecar;
import dev.fermion.plan.Toleration;
import dev.fermion.plan.VolumeMount;
import dev.fermion.types.InlineFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: whatever the compiler would refuse is refused when the pipeline is defined, so a local run and a
 * compilation never disagree about whether a pipeline is valid. Pipelines are generated from fixed seeds with
 * settings drawn from good and bad values alike (text Argo would evaluate, invalid names and quantities,
 * non-finite literals, clashing volumes, long names with schedules), combined with the DSL's newer forms; each
 * either fails to define with a {@link PipelineDefinitionException}, or compiles, and what compiles passes Argo's
 * validation.
 */
class DefinesThenCompilesTest {
    private static final int PIPELINES = 200;
    private static final List<String> GOOD = List.of("plain", "ok-value", "Under_Score.9", "1");
    private static final List<String> BAD =
            List.of("{{workflow.name}}", "a}}b", "x{{", "", "it's \"quoted\"", "{{=true}}");

    @Test
    void everyPipelineThatDefinesCompiles(@TempDir Path tmp) throws IOException {
        List<Path> files = new ArrayList<>();
        int refused = 0;
        for (int seed = 1; seed <= PIPELINES; seed++) {
            Random random = new Random(seed);
            Pipeline pipeline;
            try {
                pipeline = pipeline(seed, random);
            } catch (PipelineDefinitionException e) {
                refused++;
                continue;
            }
            try {
                String yaml = new ArgoCompiler(CompilerOptions.defaults())
                        .compile(
                                pipeline.plan(),
                                pipeline.plan().schedule().isPresent() ? WorkflowKind.CRON : WorkflowKind.WORKFLOW,
                                Map.of())
                        .yaml();
                ArgoCompilerTest.assertOnlyOwnReferences(yaml);
                Path file = tmp.resolve(String.format("defined-%03d.yaml", seed));
                Files.writeString(file, yaml);
                files.add(file);
            } catch (IllegalArgumentException e) {
                fail("seed " + seed + " defined, but the compiler refused it: " + e.getMessage(), e);
            }
        }
        assertThat(refused).as("some generated pipelines are invalid").isPositive();
        assertThat(files).as("some generated pipelines are valid").hasSizeGreaterThan(PIPELINES / 10);
        ArgoValidator.assertValid(files);
    }

    private static Pipeline pipeline(int seed, Random random) {
        String name = random.nextInt(10) == 0
                ? "a-very-long-pipeline-name-that-goes-on-and-on-and-on-" + seed
                : "defined-" + seed;
        Pipeline.Builder builder = Pipeline.named(name);
        if (random.nextInt(4) == 0) {
            builder = builder.experiment(text(random));
        }
        if (random.nextInt(4) == 0) {
            builder = builder.version(text(random));
        }
        if (random.nextInt(5) == 0) {
            builder = builder.schedule(Schedule.cron("0 3 * * *"));
        }
        if (random.nextInt(3) == 0) {
            builder = builder.timeout(Duration.ofMinutes(1 + random.nextInt(100)))
                    .deletePods(Lifecycle.PodGc.ON_POD_SUCCESS);
        }
        if (random.nextInt(4) == 0) {
            Consumer<Pipeline.Defaults> defaults = d -> setting(random).accept(d);
            builder = builder.defaults(defaults);
        }
        return builder.define(p -> {
            var source = p.param("source", text(random));
            var prep = settings(random, p.step("prepare", new Prepare()).with(Prepare.SOURCE, source));
            var train = p.step("train", new Train());
            if (random.nextInt(8) != 0) {
                train.with(Train.DATA, prep.out(Prepare.TRAIN));
            }
            settings(random, train);
            var branch = p.when(
                    train.out(Train.LOSS).lessThan(random.nextInt(12) == 0 ? Double.NaN : 0.5),
                    b -> settings(
                            random,
                            b.step("tune", new Train()).with(Train.DATA, InlineFile.of("tiny.csv", text(random)))));
            var loss = branch.then().out(Train.LOSS).orElse(train.out(Train.LOSS));
            var loop = p.forEach(
                    "each",
                    Value.listOf(loss, Value.of(1.0)),
                    (body, weight) -> settings(
                            random,
                            body.step("score", new Score()).with(Score.SHARD, 1).with(Score.WEIGHT, weight)));
            p.step("best", new Best()).with(Best.SCORES, loop.collect(Score.SCORE));
            settings(
                    random,
                    p.step("report", new Echo())
                            .with(
                                    Echo.TEXT,
                                    Value.format(
                                            pick(
                                                    random,
                                                    random.nextInt(6) == 0
                                                            ? List.of("loss %s %d", "none")
                                                            : List.of("loss %s", "%s%% {{", "'%s'")),
                                            loss)));
            if (random.nextBoolean()) {
                settings(
                        random,
                        p.step("resize", new ToolSteps.Resize())
                                .with(ToolSteps.Resize.IMAGES, prep.out(Prepare.TRAIN))
                                .with(ToolSteps.Resize.MODE, text(random)));
            }
        });
    }

    private static <S extends Configurable<S>> S settings(Random random, S step) {
        for (int i = random.nextInt(4) == 0 ? 1 : 0; i > 0; i--) {
            setting(random).accept(step);
        }
        return step;
    }

    private static Consumer<Configurable<?>> setting(Random random) {
        String text = text(random);
        List<Consumer<Configurable<?>>> all = List.of(
                s -> s.env("GREETING", text),
                s -> s.label("team", text),
                s -> s.label(text, "x"),
                s -> s.annotation("note", text),
                s -> s.nodeSelector("pool", text),
                s -> s.toleration(Toleration.equal(text.isEmpty() ? "k" : text, "v", Toleration.Effect.NO_SCHEDULE)),
                s -> s.affinity(NodeAffinity.require("zone", text)),
                s -> s.serviceAccount(text),
                s -> s.imagePullSecret(text),
                s -> s.image(text),
                s -> s.memory(text),
                s -> s.retry(Retry.times(2).backoff(Duration.ofSeconds(1), random.nextBoolean() ? 2 : 1.5, null)),
                s -> s.mount(VolumeMount.emptyDir("scratch", "/scratch/" + text, random.nextBoolean() ? "1Gi" : "2Gi")),
                s -> s.sidecar(
                        Sidecar.of("db", "postgres:16").env("PASSWORD", text).port(5432)),
                s -> s.timeout(Duration.ofMinutes(5)));
        return pick(random, all);
    }

    /** Mostly text Argo takes as it is, sometimes text it would not. */
    private static String text(Random random) {
        return pick(random, random.nextInt(4) == 0 ? BAD : GOOD);
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
