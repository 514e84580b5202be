package dev.fermion.components.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.components.BadInput;
import dev.fermion.components.Fixtures;
import dev.fermion.components.TestBundles;
import dev.fermion.components.TestContext;
import dev.fermion.components.train.TrainMlp;
import dev.fermion.dsl.BadInputException;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateClassifierTest {
    @TempDir
    static Path tmp;

    static Model model;
    static Path data;

    /** One model for every test: they only read it. */
    @BeforeAll
    static void train() throws Exception {
        data = tmp.resolve("data");
        Fixtures.blobs(data, 120, 4);
        new TestContext(tmp, "train")
                .with(TrainMlp.TRAIN, new Dataset(data.resolve("train")))
                .with(TrainMlp.VALIDATION, new Dataset(data.resolve("validation")))
                .with(TrainMlp.PREPROCESSING, new Directory(data.resolve("preprocessing")))
                // A fast learning rate separates the blobs within 10 epochs; the default is tuned for longer runs.
                .with(TrainMlp.EPOCHS, 10)
                .with(TrainMlp.LEARNING_RATE, 0.01)
                .run(new TrainMlp());
        model = new Model(tmp.resolve("train/model"));
    }

    @Test
    void scoresABinaryClassifierAndWritesTheReport() throws Exception {
        TestContext ctx = new TestContext(tmp, "evaluate-binary")
                .with(EvaluateClassifier.MODEL, model)
                .with(EvaluateClassifier.DATA, new Dataset(data.resolve("test")))
                .run(new EvaluateClassifier());

        assertThat(ctx.value(EvaluateClassifier.ACCURACY)).isEqualTo(1.0);
        assertThat(ctx.value(EvaluateClassifier.ROC_AUC)).isEqualTo(1.0);
        assertThat(ctx.metrics("recall.yes"))
                .singleElement()
                .satisfies(m -> assertThat(m.value()).isEqualTo(1.0));
        Path report = tmp.resolve("evaluate-binary/report");
        assertThat(report.resolve("confusion-matrix.png")).isNotEmptyFile();
        assertThat(Files.readString(report.resolve("report.html"))).contains("<td>yes</td>", "ROC-AUC");
        Map<?, ?> metrics =
                new ObjectMapper().readValue(report.resolve("metrics.json").toFile(), Map.class);
        assertThat(metrics.get("classes")).isEqualTo(List.of("no", "yes"));
    }

    @Test
    void namesTheRowWithAMissingLabel() throws Exception {
        Path unlabelled = tmp.resolve("unlabelled");
        Fixtures.dataset(
                unlabelled,
                Fixtures.BLOBS,
                List.of(List.of("1", "2.0", "2.0", "red", "yes"), List.of("2", "2.0", "2.0", "red", "")));
        assertThatThrownBy(() -> new TestContext(tmp, "evaluate")
                        .with(EvaluateClassifier.MODEL, model)
                        .with(EvaluateClassifier.DATA, new Dataset(unlabelled))
                        .run(new EvaluateClassifier()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("data.csv, line 3, column 'label': the label is missing");
    }

    @Test
    void aRegressionEvaluatorRefusesAClassifier() {
        assertThatThrownBy(() -> new TestContext(tmp, "evaluate")
                        .with(EvaluateRegressor.MODEL, model)
                        .with(EvaluateRegressor.DATA, new Dataset(data.resolve("test")))
                        .run(new EvaluateRegressor()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Input 'model' is a CLASSIFICATION model; evaluate it with EvaluateClassifier");
    }

    @Test
    void anEmptyDataSetIsBadInput() throws Exception {
        Path empty = tmp.resolve("empty");
        Fixtures.dataset(empty, Fixtures.BLOBS, List.of());
        assertThatThrownBy(() -> new TestContext(tmp, "evaluate")
                        .with(EvaluateClassifier.MODEL, model)
                        .with(EvaluateClassifier.DATA, new Dataset(empty))
                        .run(new EvaluateClassifier()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(empty.resolve("data.csv") + " has no rows to evaluate");
    }

    /** A model that computes NaN has no score: the step fails naming the row, instead of counting it wrong. */
    @Test
    void aModelThatComputesNanFailsNamingTheRow() throws Exception {
        Path diverged = TestBundles.diverged(TestBundles.classifier(tmp.resolve("diverged")));
        Path iris = Files.createDirectories(tmp.resolve("iris"));
        Files.copy(TestBundles.IRIS, iris.resolve("iris.csv"));
        assertThat(BadInput.thrownBy(() -> new TestContext(tmp, "evaluate-diverged")
                        .with(EvaluateClassifier.MODEL, new Model(diverged))
                        .with(EvaluateClassifier.DATA, new Dataset(iris))
                        .run(new EvaluateClassifier())))
                .hasMessageContaining(iris.resolve("iris.csv") + ", line 2: the model computed NaN");
    }

    @Test
    void aRegressionLabelThatIsNotANumberIsBadInputNamingTheRow() throws Exception {
        Path regressor = TestBundles.regressor(tmp.resolve("regressor"));
        Path rows = Files.createDirectories(tmp.resolve("regression-rows"));
        Files.writeString(rows.resolve("rows.csv"), """
                sepal_length,sepal_width,petal_length,species
                5.1,3.5,1.4,setosa
                Infinity,3.0,4.8,versicolor
                """);
        assertThat(BadInput.thrownBy(() -> new TestContext(tmp, "evaluate-regressor")
                        .with(EvaluateRegressor.MODEL, new Model(regressor))
                        .with(EvaluateRegressor.DATA, new Dataset(rows))
                        .run(new EvaluateRegressor())))
                .hasMessageContaining(rows.resolve("rows.csv") + ", line 3, column 'sepal_length': label 'Infinity' is "
                        + "not a finite number");
    }
}
