package dev.fermion.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.compiler.fixtures.Components.Best;
import dev.fermion.compiler.fixtures.Components.Echo;
import dev.fermion.compiler.fixtures.Components.Notify;
import dev.fermion.compiler.fixtures.Components.Prepare;
import dev.fermion.compiler.fixtures.Components.Score;
import dev.fermion.compiler.fixtures.Components.Shards;
import dev.fermion.compiler.fixtures.Components.Train;
import dev.fermion.compiler.fixtures.TrainAndEvaluate;
import dev.fermion.dsl.Condition;
import dev.fermion.dsl.Dag;
import dev.fermion.dsl.Loop;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.Step;
import dev.fermion.dsl.Value;
import dev.fermion.types.Dataset;
import dev.fermion.types.ValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: every pipeline the DSL accepts compiles to YAML that Argo's schema and structural rules accept.
 * Pipelines are generated from fixed seeds (so a failure names a reproducible seed) with chains,
 * artifacts, nested branches with otherwise, static and run-time loops with fan-in and parallelism,
 * values read across loop boundaries, sub-pipelines and exit handlers.
 */
class RandomPipelinesTest {
    private static final int PIPELINES = 60;

    @Test
    void randomPipelinesCompileToValidArgoYaml(@TempDir Path tmp) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int seed = 1; seed <= PIPELINES; seed++) {
            Pipeline pipeline = new Generator(seed).pipeline();
            WorkflowKind kind = seed % 5 == 0 ? WorkflowKind.TEMPLATE : WorkflowKind.WORKFLOW;
            String yaml = new ArgoCompiler(CompilerOptions.defaults())
                    .compile(pipeline.plan(), kind, Map.of())
                    .yaml();
            ArgoCompilerTest.assertOnlyOwnReferences(yaml);
            assertThat(yaml).as("seed %d", seed).doesNotStartWith("---");
            Path file = tmp.resolve(String.format("random-%03d.yaml", seed));
            Files.writeString(file, yaml);
            files.add(file);
        }
        ArgoValidator.assertValid(files);
    }

    /** Builds one random pipeline; values are only read where the DSL makes them visible. */
    private static final class Generator {
        private final Random random;
        private final int seed;
        private int counter;

        Generator(int seed) {
            this.seed = seed;
            this.random = new Random(seed);
        }

        /** Values readable at one point of the definition; copied when entering a nested scope. */
        private record Visible(
                List<Value<String>> texts,
                List<Value<Double>> numbers,
                List<Value<Dataset>> datasets,
                List<Value<Integer>> ints,
                List<Value<Boolean>> flags,
                List<Value<List<Double>>> lists) {
            Visible copy() {
                return new Visible(
                        new ArrayList<>(texts),
                        new ArrayList<>(numbers),
                        new ArrayList<>(datasets),
                        new ArrayList<>(ints),
                        new ArrayList<>(flags),
                        new ArrayList<>(lists));
            }
        }

        Pipeline pipeline() {
            return Pipeline.named("random-" + seed).define(p -> {
                Visible visible = new Visible(
                        new ArrayList<>(),
                        new ArrayList<>(),
                        new ArrayList<>(),
                        new ArrayList<>(),
                        new ArrayList<>(),
                        new ArrayList<>());
                visible.texts().add(p.param("label", random.nextBoolean() ? "plain" : "{{workflow.name}}: x"));
                visible.numbers().add(p.param("threshold", 0.5));
                visible.ints().add(p.param("count", 3));
                Value<List<Integer>> shardParam = p.param("shards", ValueType.listOf(Integer.class), List.of(1, 2));
                fill(p, visible, 0, shardParam);
                if (random.nextInt(3) == 0) {
                    p.onExit(exit -> {
                        var report = exit.step(name("report"), new Echo()).with(Echo.TEXT, exit.status());
                        if (random.nextBoolean()) {
                            exit.when(
                                    exit.status().isEqualTo("Failed"),
                                    b -> b.step(name("page"), new Notify())
                                            .with(Notify.MESSAGE, report.out(Echo.TEXT_OUT)));
                        }
                    });
                }
            });
        }

        private Dag fill(Dag dag, Visible visible, int depth, Value<List<Integer>> shardParam) {
            int steps = 1 + random.nextInt(depth == 0 ? 6 : 3);
            for (int i = 0; i < steps; i++) {
                int choice = random.nextInt(depth >= 2 ? 4 : 7);
                switch (choice) {
                    case 0 -> echo(dag, visible);
                    case 1 -> score(dag, visible);
                    case 2 -> prepareAndTrain(dag, visible);
                    case 3 -> subPipeline(dag, visible);
                    case 4 -> branch(dag, visible, depth, shardParam);
                    case 5, 6 -> loop(dag, visible, depth, shardParam);
                    default -> throw new IllegalStateException();
                }
            }
            return dag;
        }

        private void echo(Dag dag, Visible visible) {
            var step = dag.step(name("echo"), new Echo());
            if (!visible.texts().isEmpty() && random.nextBoolean()) {
                step.with(Echo.TEXT, pick(visible.texts()));
            } else {
                step.with(Echo.TEXT, random.nextBoolean() ? "text " + random.nextInt(100) : "odd: {{item}} # '\"");
            }
            visible.texts().add(step.out(Echo.TEXT_OUT));
            visible.flags().add(step.out(Echo.LONG));
        }

        private void score(Dag dag, Visible visible) {
            var step = dag.step(name("score"), new Score());
            if (random.nextBoolean()) {
                step.with(Score.SHARD, pick(visible.ints()));
            } else {
                step.with(Score.SHARD, random.nextInt(10));
            }
            if (random.nextBoolean() && !visible.numbers().isEmpty()) {
                step.with(Score.WEIGHT, pick(visible.numbers()));
            }
            if (random.nextInt(3) == 0) {
                step.cached(java.time.Duration.ofHours(1 + random.nextInt(48)));
            }
            visible.numbers().add(step.out(Score.SCORE));
        }

        private void prepareAndTrain(Dag dag, Visible visible) {
            Value<Dataset> data;
            if (!visible.datasets().isEmpty() && random.nextBoolean()) {
                data = pick(visible.datasets());
            } else {
                var prep = dag.step(name("prepare"), new Prepare()).with(Prepare.SOURCE, pick(visible.texts()));
                data = prep.out(Prepare.TRAIN);
                visible.datasets().add(data);
                visible.ints().add(prep.out(Prepare.ROWS));
            }
            var train = dag.step(name("train"), new Train()).with(Train.DATA, data);
            if (random.nextBoolean()) {
                train.with(Train.EPOCHS, pick(visible.ints()));
            }
            if (random.nextInt(4) == 0) {
                train.gpus(1).memory("8Gi");
            }
            visible.numbers().add(train.out(Train.LOSS));
        }

        private void subPipeline(Dag dag, Visible visible) {
            if (visible.datasets().isEmpty()) {
                prepareAndTrain(dag, visible);
            }
            var call = dag.step(name("call"), new TrainAndEvaluate())
                    .with(TrainAndEvaluate.DATA, pick(visible.datasets()));
            visible.numbers().add(call.out(TrainAndEvaluate.ACCURACY));
        }

        private void branch(Dag dag, Visible visible, int depth, Value<List<Integer>> shardParam) {
            Condition condition = condition(visible);
            var branch = dag.when(condition, b -> fill(b, visible.copy(), depth + 1, shardParam));
            if (random.nextBoolean()) {
                branch.otherwise(b -> fill(b, visible.copy(), depth + 1, shardParam));
            }
        }

        private Condition condition(Visible visible) {
            Condition c = switch (random.nextInt(4)) {
                case 0 -> pick(visible.numbers()).greaterThan(random.nextDouble());
                case 1 -> pick(visible.numbers()).atMost(pick(visible.numbers()));
                case 2 ->
                    visible.flags().isEmpty()
                            ? pick(visible.texts()).isEqualTo("yes")
                            : pick(visible.flags()).isTrue();
                default -> pick(visible.texts()).isNotEqualTo("no-" + random.nextInt(9));
            };
            if (random.nextInt(3) == 0) {
                c = random.nextBoolean()
                        ? c.and(pick(visible.ints()).lessThan(7))
                        : c.or(condition(visible)).not();
            }
            return c;
        }

        private void loop(Dag dag, Visible visible, int depth, Value<List<Integer>> shardParam) {
            String bodyScore = name("score");
            Loop<Step<Score>> loop;
            int kind = random.nextInt(3);
            if (kind == 0) {
                loop = dag.forEach(
                        name("each"),
                        List.of(1, 2, 3),
                        (body, item) -> body(body, visible, depth, shardParam, bodyScore, item));
            } else if (kind == 1) {
                loop = dag.forEach(
                        name("each"),
                        shardParam,
                        (body, item) -> body(body, visible, depth, shardParam, bodyScore, item));
            } else {
                var shards = dag.step(name("shards"), new Shards()).with(Shards.COUNT, pick(visible.ints()));
                loop = dag.forEach(
                        name("each"),
                        shards.out(Shards.SHARDS),
                        (body, item) -> body(body, visible, depth, shardParam, bodyScore, item));
            }
            if (random.nextBoolean()) {
                loop.parallelism(1 + random.nextInt(4));
            }
            if (random.nextBoolean()) {
                var collected = loop.collect(Score.SCORE);
                var best = dag.step(name("best"), new Best()).with(Best.SCORES, collected);
                visible.numbers().add(best.out(Best.BEST));
                visible.lists().add(collected);
            }
        }

        private Step<Score> body(
                Dag body,
                Visible outer,
                int depth,
                Value<List<Integer>> shardParam,
                String scoreName,
                Value<Integer> item) {
            Visible inner = outer.copy();
            inner.ints().add(item);
            var score = body.step(scoreName, new Score()).with(Score.SHARD, item);
            if (random.nextBoolean()) {
                score.with(Score.WEIGHT, pick(outer.numbers()));
            }
            inner.numbers().add(score.out(Score.SCORE));
            if (!outer.lists().isEmpty() && random.nextBoolean()) {
                body.step(name("best"), new Best()).with(Best.SCORES, pick(outer.lists()));
            }
            if (!outer.datasets().isEmpty() && random.nextInt(3) == 0) {
                body.step(name("train"), new Train())
                        .with(Train.DATA, pick(outer.datasets()))
                        .with(Train.EPOCHS, item)
                        .cached();
            }
            if (depth < 2 && random.nextBoolean()) {
                fill(body, inner, depth + 1, shardParam);
            }
            return score;
        }

        private String name(String prefix) {
            counter++;
            return prefix + "-" + counter;
        }

        private <T> T pick(List<T> values) {
            return values.get(random.nextInt(values.size()));
        }
    }
}
