package dev.fermion.components.train;

import ai.djl.Device;
import ai.djl.Model;
import dev.fermion.components.model.ActivationFunction;
import dev.fermion.components.model.MlpArchitecture;
import dev.fermion.components.model.Task;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingLoopTest {
    private static final MlpArchitecture ARCHITECTURE = new MlpArchitecture(Task.CLASSIFICATION, 2, List.of(8),
            ActivationFunction.RELU, 2, 0, 1);
    private static final TrainingLoop.Settings SETTINGS = new TrainingLoop.Settings(OptimizerKind.ADAM, 0.01, 0.9,
            0, 32, 7);

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
             TrainingLoop loop = new TrainingLoop(model, ARCHITECTURE, SETTINGS, features, targets)) {
            for (int epoch = 0; epoch < 10; epoch++) {
                loop.epoch();
            }
            assertThat(loop.evaluate(features, targets).accuracy()).isGreaterThan(0.95);
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
