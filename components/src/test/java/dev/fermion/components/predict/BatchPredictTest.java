package dev.fermion.components.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.components.Fixtures;
import dev.fermion.components.TestContext;
import dev.fermion.components.table.Table;
import dev.fermion.components.train.TrainMlp;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.Model;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchPredictTest {
    @TempDir
    Path tmp;

    @Test
    void classifierPredictionsCarryIdsAndProbabilities() throws Exception {
        Path data = tmp.resolve("data");
        Fixtures.blobs(data, 100, 9);
        new TestContext(tmp, "train")
                .with(TrainMlp.TRAIN, new Dataset(data.resolve("train")))
                .with(TrainMlp.VALIDATION, new Dataset(data.resolve("validation")))
                .with(TrainMlp.PREPROCESSING, new Directory(data.resolve("preprocessing")))
                // A fast learning rate separates the blobs within 10 epochs; the default is tuned for longer runs.
                .with(TrainMlp.EPOCHS, 10)
                .with(TrainMlp.LEARNING_RATE, 0.01)
                .run(new TrainMlp());
        new TestContext(tmp, "predict")
                .with(BatchPredict.MODEL, new Model(tmp.resolve("train/model")))
                .with(BatchPredict.DATA, new Dataset(data.resolve("test")))
                .run(new BatchPredict());
        Table predictions = Table.readDataset(tmp.resolve("predict/predictions"));
        Table test = Table.readDataset(data.resolve("test"));
        assertThat(predictions.header()).containsExactly("id", "prediction", "probability.no", "probability.yes");
        assertThat(predictions.rows()).hasSize(test.rows().size());
        for (int i = 0; i < test.rows().size(); i++) {
            var expected = test.rows().get(i).values();
            var actual = predictions.rows().get(i).values();
            assertThat(actual.get(0)).isEqualTo(expected.get(0));
            assertThat(actual.get(1)).isEqualTo(expected.get(4));
            assertThat(Double.parseDouble(actual.get(2)) + Double.parseDouble(actual.get(3)))
                    .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        }
    }
}
