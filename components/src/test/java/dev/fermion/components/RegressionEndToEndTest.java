package dev.fermion.components;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fermion.components.data.PrepareCsv;
import dev.fermion.components.evaluate.EvaluateRegressor;
import dev.fermion.components.model.Task;
import dev.fermion.components.predict.BatchPredict;
import dev.fermion.components.preprocess.ImputeStrategy;
import dev.fermion.components.preprocess.Scaling;
import dev.fermion.components.table.Table;
import dev.fermion.components.train.TrainMlp;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prepare, train, evaluate and predict on generated data with a known linear-plus-category signal. */
class RegressionEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void learnsAKnownFunction() throws Exception {
        Path source = tmp.resolve("houses.csv");
        Random random = new Random(11);
        List<String> lines = new ArrayList<>();
        lines.add("id,area,age,district,price");
        for (int i = 0; i < 600; i++) {
            double area = 50 + 150 * random.nextDouble();
            double age = 40 * random.nextDouble();
            int district = random.nextInt(3);
            double price = 2 * area - 1.5 * age + 40 * district + random.nextGaussian() * 3;
            // Every 20th row lacks its age, which the median of the training split replaces.
            String ageText = i % 20 == 0 ? "NA" : Fixtures.format(age);
            lines.add("h" + i + "," + Fixtures.format(area) + "," + ageText + ",d" + district + ","
                    + Fixtures.format(price));
        }
        Files.write(source, lines);

        TestContext prepare = new TestContext(tmp, "prepare")
                .with(PrepareCsv.SOURCE, source.toString())
                .with(PrepareCsv.LABEL, "price")
                .with(PrepareCsv.ID_COLUMN, "id")
                .with(PrepareCsv.IMPUTE, ImputeStrategy.MEDIAN)
                .with(PrepareCsv.SCALING, Scaling.MIN_MAX)
                .with(PrepareCsv.RANGES, Map.of("area", "0..1000"))
                .with(PrepareCsv.BEAM_OPTIONS, List.of("--enforceImmutability=true", "--enforceEncodability=true"))
                .run(new PrepareCsv());
        assertThat(prepare.value(PrepareCsv.ROWS)).isEqualTo(600L);
        Table features = Table.read(tmp.resolve("prepare/train/features.csv"), java.util.Optional.empty());
        assertThat(features.header())
                .containsExactly("id", "area", "age", "district=d0", "district=d1", "district=d2", "price");

        TestContext train = new TestContext(tmp, "train")
                .with(TrainMlp.TRAIN, new Dataset(tmp.resolve("prepare/train")))
                .with(TrainMlp.VALIDATION, new Dataset(tmp.resolve("prepare/validation")))
                .with(TrainMlp.PREPROCESSING, new Directory(tmp.resolve("prepare/preprocessing")))
                .with(TrainMlp.TASK, Task.REGRESSION)
                .with(TrainMlp.HIDDEN, List.of(16))
                .run(new TrainMlp());
        assertThat(train.metrics("val-accuracy")).isEmpty();

        Model model = new Model(tmp.resolve("train/model"));
        TestContext evaluate = new TestContext(tmp, "evaluate")
                .with(EvaluateRegressor.MODEL, model)
                .with(EvaluateRegressor.DATA, new Dataset(tmp.resolve("prepare/test")))
                .run(new EvaluateRegressor());
        assertThat(evaluate.value(EvaluateRegressor.R2)).isGreaterThan(0.97);
        assertThat(evaluate.value(EvaluateRegressor.MAE)).isLessThan(15.0);
        assertThat(evaluate.value(EvaluateRegressor.RMSE))
                .isGreaterThanOrEqualTo(evaluate.value(EvaluateRegressor.MAE));
        assertThat(tmp.resolve("evaluate/report/predicted-vs-actual.png")).exists();

        Path fresh = Files.createDirectories(tmp.resolve("fresh"));
        Files.write(
                fresh.resolve("houses.csv"),
                List.of("id,district,area,age", "a,d2,100,10", "b,d0,150,NA", "c,d1,lots,5"));
        TestContext predict = new TestContext(tmp, "predict")
                .with(BatchPredict.MODEL, model)
                .with(BatchPredict.DATA, new Dataset(fresh))
                .with(BatchPredict.ID_COLUMN, "id")
                .run(new BatchPredict());
        assertThat(predict.value(BatchPredict.ROWS)).isEqualTo(2L);
        assertThat(predict.value(BatchPredict.REJECTED_ROWS)).isEqualTo(1L);
        Table predictions = Table.readDataset(tmp.resolve("predict/predictions"));
        assertThat(predictions.header()).containsExactly("id", "prediction");
        assertThat(predictions.rows().get(0).values().get(0)).isEqualTo("a");
        assertThat(Double.parseDouble(predictions.rows().get(0).values().get(1)))
                .isCloseTo(265, within(15.0));
        Table rejects = Table.readDataset(tmp.resolve("predict/rejects"));
        assertThat(rejects.rows()).singleElement().satisfies(r -> {
            assertThat(r.values().get(1)).isEqualTo("4");
            assertThat(r.values().get(2)).isEqualTo("area");
        });
    }
}
