package dev.fermion.components.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.components.BadInput;
import dev.fermion.components.TestBundles;
import dev.fermion.components.table.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch prediction and evaluation never hand on a NaN or an infinity: each is an error naming its row. */
class MlpPredictorTest {
    @TempDir
    Path tmp;

    private Table rows(String... lines) throws Exception {
        Path file = tmp.resolve("rows.csv");
        Files.writeString(
                file, "sepal_length,sepal_width,petal_length,petal_width,species\n" + String.join("\n", lines) + "\n");
        return Table.read(file, Optional.empty());
    }

    @Test
    void finiteRowsGiveFinitePredictions() throws Exception {
        try (MlpPredictor predictor = ModelBundle.open(TestBundles.classifier(tmp.resolve("model")))) {
            assertThat(predictor.predict(rows("5.1,3.5,1.4,0.2,setosa", "6.3,2.9,5.6,1.8,virginica")))
                    .hasSize(2)
                    .allSatisfy(p ->
                            assertThat(java.util.Arrays.stream(p)).hasSize(3).allMatch(Double::isFinite));
        }
    }

    @Test
    void aValueThatIsNotFiniteOrCannotBeScaledIsBadInputNamingLineAndColumn() throws Exception {
        Table infinite = rows("5.1,3.5,1.4,0.2,setosa", "5.1,3.5,inf,0.2,setosa");
        Table huge = rows("5.1,3.5,1.4,0.2,setosa", "5.1,3.5,1.4,0.2,setosa", "5.1,1e300,1.4,0.2,setosa");
        try (MlpPredictor predictor = ModelBundle.open(TestBundles.classifier(tmp.resolve("model")))) {
            assertThat(BadInput.thrownBy(() -> predictor.predict(infinite)))
                    .hasMessageContaining(infinite.file() + ", line 3, column 'petal_length': value 'inf' of numeric "
                            + "column 'petal_length' is not a finite number");
            assertThat(BadInput.thrownBy(() -> predictor.predict(huge)))
                    .hasMessageContaining(huge.file() + ", line 4, column 'sepal_width': value '1e300' of numeric "
                            + "column 'sepal_width' is too far outside the values the preprocessing was fitted on");
        }
    }

    @Test
    void aModelThatComputesNanFailsNamingTheRow() throws Exception {
        Path bundle = TestBundles.diverged(TestBundles.classifier(tmp.resolve("model")));
        Table table = rows("5.1,3.5,1.4,0.2,setosa");
        try (MlpPredictor predictor = ModelBundle.open(bundle)) {
            assertThat(BadInput.thrownBy(() -> predictor.predict(table)))
                    .hasMessageContaining(table.file() + ", line 2: the model computed NaN from finite features")
                    .hasMessageContaining("train it again");
        }
    }
}
