package dev.fermion.components.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import dev.fermion.components.model.ActivationFunction;
import dev.fermion.components.model.MlpArchitecture;
import dev.fermion.components.model.Task;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TrainingLoopTest {
    private static final MlpArchitecture ARCHITECTURE =
            new MlpArchitecture(Task.CLASSIFICATION, 2, List.of(8), ActivationFunction.RELU, 2, 0, 1);
    private static final TrainingLoop.Settings SETTINGS =
            new TrainingLoop.Settings(OptimizerKind.ADAM, 0.01, 0.9, 0, 32, 7);

    // 101 rows, so the last batch of each epoch is a partial one.
    private final float[][] features = new float[101][];
    private final float[] targets = new float[101];

    TrainingLoopTest() {
        Random random = new Random(3);
        for (int i = 0; i < targets.length; i++) {
            targets[i] = i % 2;
            float centre = i % 2 == 0 ? -2 : 2;
            features[i] = new float[] {centre + (float) random.nextGaussian(), centre + (float) random.nextGaussian()};
        }
    }

    @Test
    void trainsOnRowsInMemoryTheSameWayForTheSameSeed() {
        double[] first = losses(10);
        double[] second = losses(10);

        assertThat(second).containsExactly(first);
        assertThat(first[9]).isLessThan(first[0] / 2);
        try (Model model = Model.newInstance("mlp", Device.cpu());
                TrainingLoop loop = new TrainingLoop(model, ARCHITECTURE, SETTINGS, features, targets);
                TrainingLoop.Holdout rows = loop.holdout(features, targets)) {
            for (int epoch = 0; epoch < 10; epoch++) {
                loop.epoch();
            }
            TrainingLoop.Evaluation trained = loop.evaluate(rows);
            assertThat(trained.accuracy()).isGreaterThan(0.95);
            assertThat(loop.evaluate(rows)).as("evaluating changes nothing").isEqualTo(trained);

            loop.keepWeights();
            for (int epoch = 0; epoch < 5; epoch++) {
                loop.epoch();
            }
            assertThat(loop.evaluate(rows)).isNotEqualTo(trained);
            loop.restoreWeights();
            assertThat(loop.evaluate(rows)).as("the kept weights, back").isEqualTo(trained);
        }
    }

    /**
     * More trainings than cores at once in one process, as a local run of a sweep trains them: each must
     * end exactly as it ends alone, so no training may draw from another's random numbers or collide with
     * its gradients.
     */
    @Test
    void concurrentTrainingsEachMatchTheirRunAlone() throws Exception {
        int trainings = Runtime.getRuntime().availableProcessors() + 3;
        List<Run> alone = new ArrayList<>();
        for (int seed = 0; seed < trainings; seed++) {
            alone.add(run(seed));
        }
        ExecutorService pool = Executors.newFixedThreadPool(trainings);
        try {
            CyclicBarrier start = new CyclicBarrier(trainings);
            List<Future<Run>> together = new ArrayList<>();
            for (int seed = 0; seed < trainings; seed++) {
                int s = seed;
                together.add(pool.submit(() -> {
                    start.await();
                    return run(s);
                }));
            }
            for (int seed = 0; seed < trainings; seed++) {
                Run run = together.get(seed).get();
                assertThat(run.losses())
                        .as("losses of seed %d", seed)
                        .containsExactly(alone.get(seed).losses());
                assertThat(run.weights())
                        .as("weights of seed %d", seed)
                        .isEqualTo(alone.get(seed).weights());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(alone.get(1).weights()).isNotEqualTo(alone.get(0).weights());
    }

    private record Run(double[] losses, byte[] weights) {}

    private Run run(int seed) throws IOException {
        TrainingLoop.Settings settings = new TrainingLoop.Settings(OptimizerKind.ADAM, 0.01, 0.9, 0.01, 16, seed);
        double[] losses = new double[8];
        try (Model model = Model.newInstance("mlp", Device.cpu());
                TrainingLoop loop = new TrainingLoop(model, ARCHITECTURE, settings, features, targets)) {
            for (int epoch = 0; epoch < losses.length; epoch++) {
                losses[epoch] = loop.epoch();
            }
            ByteArrayOutputStream weights = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(weights)) {
                model.getBlock().saveParameters(out);
            }
            return new Run(losses, weights.toByteArray());
        }
    }

    @Test
    void refusesFeaturesWithoutTargets() {
        try (Model model = Model.newInstance("mlp", Device.cpu())) {
            assertThatThrownBy(() -> new TrainingLoop(model, ARCHITECTURE, SETTINGS, features, new float[100]))
                    .hasMessageContaining("got 101 rows of features and 100 targets");
        }
    }

    private double[] losses(int epochs) {
        double[] losses = new double[epochs];
        try (Model model = Model.newInstance("mlp", Device.cpu());
                TrainingLoop loop = new TrainingLoop(model, ARCHITECTURE, SETTINGS, features, targets)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                losses[epoch] = loop.epoch();
            }
        }
        return losses;
    }
}
