package dev.fermion.components;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.components.data.PrepareCsv;
import dev.fermion.components.evaluate.EvaluateClassifier;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.train.TrainMlp;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prepare, train and evaluate on the iris data, as a user's pipeline would chain the steps. */
class IrisEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void reachesHighHoldOutAccuracy() throws Exception {
        TestContext prepare = new TestContext(tmp, "prepare")
                .with(PrepareCsv.SOURCE, "../examples/data/iris.csv")
                .with(PrepareCsv.LABEL, "species")
                .with(PrepareCsv.STRATIFY, true)
                .with(PrepareCsv.SEED, 42)
                .run(new PrepareCsv());

        TestContext train = new TestContext(tmp, "train")
                .with(TrainMlp.TRAIN, new Dataset(tmp.resolve("prepare/train")))
                .with(TrainMlp.VALIDATION, new Dataset(tmp.resolve("prepare/validation")))
                .with(TrainMlp.PREPROCESSING, new Directory(tmp.resolve("prepare/preprocessing")))
                .with(TrainMlp.SEED, 42)
                .run(new TrainMlp());

        assertThat(train.value(TrainMlp.DEVICE)).isNotBlank();
        assertThat(train.value(TrainMlp.EPOCHS_RUN))
                .isBetween(1, TrainMlp.EPOCHS.defaultValue().orElseThrow());
        assertThat(train.metrics("val-loss")).hasSize(train.value(TrainMlp.EPOCHS_RUN));
        assertThat(train.metrics("val-accuracy").get(0).step()).isEqualTo(1);
        Path model = tmp.resolve("train/model");
        assertThat(model.resolve("mlp-0000.params")).exists();
        ModelBundle bundle = ModelBundle.read(model);
        assertThat(bundle.labels()).containsExactly("setosa", "versicolor", "virginica");
        assertThat(bundle.preprocessing().inputColumns())
                .containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width");

        TestContext evaluate = new TestContext(tmp, "evaluate")
                .with(EvaluateClassifier.MODEL, new Model(model))
                .with(EvaluateClassifier.DATA, new Dataset(tmp.resolve("prepare/test")))
                .run(new EvaluateClassifier());

        assertThat(prepare.value(PrepareCsv.TEST_ROWS)).isEqualTo(21L);
        assertThat(evaluate.value(EvaluateClassifier.ACCURACY)).isGreaterThanOrEqualTo(0.93);
        assertThat(evaluate.value(EvaluateClassifier.MACRO_F1)).isGreaterThanOrEqualTo(0.9);
        assertThat(evaluate.value(EvaluateClassifier.ROC_AUC)).isGreaterThan(0.95);
        Path report = tmp.resolve("evaluate/report");
        assertThat(Files.readString(report.resolve("report.html"))).contains("confusion-matrix.png", "setosa");
        byte[] png = Files.readAllBytes(report.resolve("confusion-matrix.png"));
        assertThat(List.of(png[1], png[2], png[3])).containsExactly((byte) 'P', (byte) 'N', (byte) 'G');
    }
}
