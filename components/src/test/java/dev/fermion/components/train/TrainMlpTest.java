package dev.fermion.components.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.components.BadInput;
import dev.fermion.components.Digests;
import dev.fermion.components.Fixtures;
import dev.fermion.components.TestContext;
import dev.fermion.components.model.ActivationFunction;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.model.Task;
import dev.fermion.dsl.BadInputException;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainMlpTest {
    @TempDir
    Path tmp;

    Path data;

    @BeforeEach
    void data() throws Exception {
        data = tmp.resolve("data");
        Fixtures.blobs(data, 200, 3);
    }

    private TestContext train(String step) {
        return new TestContext(tmp, step)
                .with(TrainMlp.TRAIN, new Dataset(data.resolve("train")))
                .with(TrainMlp.VALIDATION, new Dataset(data.resolve("validation")))
                .with(TrainMlp.PREPROCESSING, new Directory(data.resolve("preprocessing")))
                .with(TrainMlp.EPOCHS, 15);
    }

    @Test
    void sameSeedGivesTheSameRunAndDifferentSeedsDiffer() throws Exception {
        // A fast learning rate converges within the test's 15 epochs; the default is slower.
        TestContext first = train("first")
                .with(TrainMlp.SEED, 1)
                .with(TrainMlp.LEARNING_RATE, 0.01)
                .run(new TrainMlp());
        TestContext second = train("second")
                .with(TrainMlp.SEED, 1)
                .with(TrainMlp.LEARNING_RATE, 0.01)
                .run(new TrainMlp());
        TestContext other = train("other")
                .with(TrainMlp.SEED, 2)
                .with(TrainMlp.LEARNING_RATE, 0.01)
                .run(new TrainMlp());

        assertThat(second.metrics("train-loss")).isEqualTo(first.metrics("train-loss"));
        assertThat(Files.readAllBytes(tmp.resolve("second/model/mlp-0000.params")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("first/model/mlp-0000.params")));
        assertThat(other.metrics("train-loss")).isNotEqualTo(first.metrics("train-loss"));
        assertThat(first.value(TrainMlp.BEST_VALIDATION_LOSS)).isLessThan(0.2);
        assertThat(first.metrics("val-accuracy"))
                .last()
                .satisfies(m -> assertThat(m.value()).isEqualTo(1.0));
        assertThat(first.value(TrainMlp.DEVICE)).isIn("cpu()", "gpu(0)");
    }

    /**
     * A local sweep trains several steps at once in one JVM, more than there are cores: each step's model
     * files, outputs and metrics must be byte for byte those of the same step trained alone (and so the
     * cache keys of the steps after it).
     */
    @Test
    void stepsTrainConcurrentlyWithTheResultsOfEachAlone() throws Exception {
        int steps = Runtime.getRuntime().availableProcessors() + 2;
        List<TestContext> alone = new ArrayList<>();
        for (int seed = 0; seed < steps; seed++) {
            alone.add(train("alone-" + seed)
                    .with(TrainMlp.SEED, seed)
                    .with(TrainMlp.EPOCHS, 6)
                    .run(new TrainMlp()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(steps);
        try {
            CyclicBarrier start = new CyclicBarrier(steps);
            List<Future<TestContext>> together = new ArrayList<>();
            for (int seed = 0; seed < steps; seed++) {
                TestContext ctx =
                        train("together-" + seed).with(TrainMlp.SEED, seed).with(TrainMlp.EPOCHS, 6);
                together.add(pool.submit(() -> {
                    start.await();
                    return ctx.run(new TrainMlp());
                }));
            }
            for (int seed = 0; seed < steps; seed++) {
                TestContext ctx = together.get(seed).get();
                assertThat(Digests.of(tmp.resolve("together-" + seed + "/model")))
                        .as("model of seed %d", seed)
                        .isEqualTo(Digests.of(tmp.resolve("alone-" + seed + "/model")));
                assertThat(ctx.outputs()).isEqualTo(alone.get(seed).outputs());
                assertThat(ctx.metrics()).isEqualTo(alone.get(seed).metrics());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void earlyStoppingKeepsTheBestEpoch() throws Exception {
        TestContext ctx = train("sgd")
                .with(TrainMlp.OPTIMIZER, OptimizerKind.SGD)
                .with(TrainMlp.ACTIVATION, ActivationFunction.TANH)
                .with(TrainMlp.HIDDEN, List.of(4))
                .with(TrainMlp.LEARNING_RATE, 0.5)
                .with(TrainMlp.EPOCHS, 200)
                .with(TrainMlp.PATIENCE, 2)
                .run(new TrainMlp());

        int best = ctx.value(TrainMlp.BEST_EPOCH);
        int run = ctx.value(TrainMlp.EPOCHS_RUN);
        assertThat(run).isLessThan(200).isEqualTo(best + 2);
        double bestLoss = ctx.metrics("val-loss").stream()
                .mapToDouble(TestContext.Metric::value)
                .min()
                .orElseThrow();
        assertThat(ctx.value(TrainMlp.BEST_VALIDATION_LOSS)).isEqualTo(bestLoss);
        assertThat(ctx.metrics("val-loss").get(best - 1).value()).isEqualTo(bestLoss);
        ModelBundle bundle = ModelBundle.read(tmp.resolve("sgd/model"));
        assertThat(bundle.architecture().hidden()).containsExactly(4);
        assertThat(bundle.architecture().activation()).isEqualTo(ActivationFunction.TANH);
        assertThat(bundle.manifest().training()).containsEntry("best-epoch", best);
    }

    /**
     * The learning rate falls by 'learning-rate-decay' each time the validation loss has gone
     * 'learning-rate-patience' epochs without improving, and only then; the metric shows each rate from the
     * epoch it applies to.
     */
    @Test
    void theLearningRateFallsWhenTheValidationLossStalls() throws Exception {
        TestContext ctx = train("decay")
                .with(TrainMlp.OPTIMIZER, OptimizerKind.SGD)
                .with(TrainMlp.LEARNING_RATE, 0.5)
                .with(TrainMlp.EPOCHS, 80)
                .with(TrainMlp.PATIENCE, 12)
                .with(TrainMlp.LEARNING_RATE_PATIENCE, 3)
                .with(TrainMlp.LEARNING_RATE_DECAY, 0.25)
                .run(new TrainMlp());

        List<TestContext.Metric> rates = ctx.metrics("learning-rate");
        assertThat(rates.get(0)).isEqualTo(new TestContext.Metric("learning-rate", 0.5, 1));
        assertThat(rates).hasSizeGreaterThan(1);
        List<TestContext.Metric> losses = ctx.metrics("val-loss");
        for (int i = 1; i < rates.size(); i++) {
            assertThat(rates.get(i).value()).isEqualTo(rates.get(i - 1).value() * 0.25);
            int epoch = (int) rates.get(i).step() - 1;
            int best = 1;
            for (int e = 2; e <= epoch; e++) {
                if (losses.get(e - 1).value() < losses.get(best - 1).value()) {
                    best = e;
                }
            }
            assertThat(epoch - best)
                    .as("epochs without improvement before rate %d", i)
                    .isPositive()
                    .satisfies(stalled -> assertThat(stalled % 3).isZero());
        }
        assertThat(BadInput.thrownBy(() ->
                        train("rising").with(TrainMlp.LEARNING_RATE_DECAY, 1.5).run(new TrainMlp())))
                .hasMessageContaining("Input 'learning-rate-decay' must be above 0 and at most 1");
    }

    @Test
    void weightDecayChangesTrainingAndMustNotBeNegative() throws Exception {
        TestContext plain = train("plain").with(TrainMlp.WEIGHT_DECAY, 0.0).run(new TrainMlp());
        TestContext decayed = train("decayed").with(TrainMlp.WEIGHT_DECAY, 0.5).run(new TrainMlp());

        assertThat(decayed.metrics("train-loss")).isNotEqualTo(plain.metrics("train-loss"));
        assertThatThrownBy(() ->
                        train("negative").with(TrainMlp.WEIGHT_DECAY, -0.1).run(new TrainMlp()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Input 'weight-decay' must be a finite number, 0 or above, got -0.1");
    }

    /** An empty split cannot be trained or validated on, however often the step is tried: bad input. */
    @Test
    void anEmptySplitIsBadInputNamingIt() throws Exception {
        Path empty = tmp.resolve("empty");
        Fixtures.dataset(empty, Fixtures.BLOBS, List.of());
        assertThat(BadInput.thrownBy(() -> train("no-train")
                        .with(TrainMlp.TRAIN, new Dataset(empty))
                        .run(new TrainMlp())))
                .hasMessageContaining("The training split " + empty.resolve("data.csv") + " has 0 distinct value(s) "
                        + "of label 'label'")
                .hasMessageContaining("a classifier needs at least two");
        assertThat(BadInput.thrownBy(() -> train("no-validation")
                        .with(TrainMlp.VALIDATION, new Dataset(empty))
                        .run(new TrainMlp())))
                .hasMessageContaining("the validation split " + empty.resolve("data.csv") + " 0")
                .hasMessageContaining("'validation-ratio'");
    }

    /** A validation row the network cannot learn from: an unseen label, a value too large to scale. */
    @Test
    void validationRowsThatCannotBeUsedAreBadInputNamingTheRow() throws Exception {
        Path unseen = tmp.resolve("unseen");
        Fixtures.dataset(
                unseen,
                Fixtures.BLOBS,
                List.of(List.of("1", "0.5", "0.5", "red", "yes"), List.of("2", "0.1", "0.1", "red", "maybe")));
        assertThat(BadInput.thrownBy(() -> train("unseen")
                        .with(TrainMlp.VALIDATION, new Dataset(unseen))
                        .run(new TrainMlp())))
                .hasMessageContaining(
                        unseen.resolve("data.csv") + ", line 3, column 'label': label 'maybe' does not occur "
                                + "in the training split [no, yes]");
        Path extreme = tmp.resolve("extreme");
        Fixtures.dataset(extreme, Fixtures.BLOBS, List.of(List.of("1", "1e300", "0.5", "red", "yes")));
        assertThat(BadInput.thrownBy(() -> train("extreme")
                        .with(TrainMlp.VALIDATION, new Dataset(extreme))
                        .run(new TrainMlp())))
                .hasMessageContaining(extreme.resolve("data.csv") + ", line 2, column 'x1': value '1e300' of numeric "
                        + "column 'x1' is too far outside the values the preprocessing was fitted on");
    }

    /** Training is seeded, so a run that diverges diverges again: bad input, with the input to change. */
    @Test
    void divergedTrainingIsBadInputNamingTheLearningRate() {
        assertThat(BadInput.thrownBy(() -> train("diverged")
                        .with(TrainMlp.OPTIMIZER, OptimizerKind.SGD)
                        .with(TrainMlp.LEARNING_RATE, 1e30)
                        .with(TrainMlp.EPOCHS, 5)
                        .run(new TrainMlp())))
                .hasMessageContaining("Training diverged at epoch")
                .hasMessageContaining("lower 'learning-rate'");
    }

    @Test
    void inputsOutsideTheirRangeAreBadInput() {
        assertThat(BadInput.thrownBy(
                        () -> train("batch").with(TrainMlp.BATCH_SIZE, 0).run(new TrainMlp())))
                .hasMessageContaining("Input 'batch-size' must be at least 1, got 0");
        assertThat(BadInput.thrownBy(
                        () -> train("threads").with(TrainMlp.THREADS, 0).run(new TrainMlp())))
                .hasMessageContaining("Input 'threads' must be at least 1, got 0");
        assertThat(BadInput.thrownBy(() ->
                        train("rate").with(TrainMlp.LEARNING_RATE, Double.NaN).run(new TrainMlp())))
                .hasMessageContaining("Input 'learning-rate' must be a finite number above 0, got NaN");
        assertThat(BadInput.thrownBy(() ->
                        train("hidden").with(TrainMlp.HIDDEN, List.of(8, 0)).run(new TrainMlp())))
                .hasMessageContaining("Input 'hidden'")
                .hasMessageContaining("[8, 0]");
        assertThat(BadInput.thrownBy(() -> train("preprocessing")
                        .with(TrainMlp.PREPROCESSING, new Directory(tmp))
                        .run(new TrainMlp())))
                .hasMessageContaining(tmp + " holds no preprocessing.json");
    }

    @Test
    void refusesRegressionOnACategoricalLabel() {
        assertThatThrownBy(() ->
                        train("regression").with(TrainMlp.TASK, Task.REGRESSION).run(new TrainMlp()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Regression needs a numeric label, but 'label' is CATEGORICAL");
    }

    @Test
    void namesTheRowOfANonNumericFeature() throws Exception {
        Path bad = tmp.resolve("bad");
        Fixtures.dataset(
                bad,
                Fixtures.BLOBS,
                List.of(List.of("1", "0.5", "0.5", "red", "yes"), List.of("2", "oops", "0.1", "red", "no")));
        assertThatThrownBy(() ->
                        train("bad").with(TrainMlp.TRAIN, new Dataset(bad)).run(new TrainMlp()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("data.csv, line 3, column 'x1'")
                .hasMessageContaining("'oops'");
    }
}
