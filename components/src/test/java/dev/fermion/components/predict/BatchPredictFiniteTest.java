package dev.fermion.components.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.components.BadInput;
import dev.fermion.components.TestBundles;
import dev.fermion.components.TestContext;
import dev.fermion.components.table.Table;
import dev.fermion.types.Dataset;
import dev.fermion.types.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Predictions are finite numbers: a value the model cannot take is rejected, a NaN from the model fails. */
class BatchPredictFiniteTest {
    @TempDir
    Path tmp;

    private Path data() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(dir.resolve("rows.csv"), """
                sepal_length,sepal_width,petal_length,petal_width
                5.1,3.5,1.4,0.2
                5.1,3.5,1e300,0.2
                6.3,2.9,5.6,1.8
                """);
        return dir;
    }

    @Test
    void aValueTooLargeToScaleIsRejectedWithItsLineAndColumn() throws Exception {
        Path model = TestBundles.classifier(tmp.resolve("model"));
        TestContext ctx = new TestContext(tmp, "predict")
                .with(BatchPredict.MODEL, new Model(model))
                .with(BatchPredict.DATA, new Dataset(data()))
                .run(new BatchPredict());

        assertThat(ctx.value(BatchPredict.ROWS)).isEqualTo(2L);
        assertThat(ctx.value(BatchPredict.REJECTED_ROWS)).isEqualTo(1L);
        Table rejects = Table.readDataset(tmp.resolve("predict/rejects"));
        assertThat(rejects.rows()).singleElement().satisfies(row -> {
            assertThat(row.values().subList(0, 3)).containsExactly("rows.csv", "3", "petal_length");
            assertThat(row.values().get(3)).contains("too far outside the values the preprocessing was fitted on");
        });
        Table predictions = Table.readDataset(tmp.resolve("predict/predictions"));
        assertThat(predictions.rows()).extracting(r -> r.values().get(0)).containsExactly("2", "4");
        predictions
                .rows()
                .forEach(r -> r.values()
                        .subList(2, r.values().size())
                        .forEach(p -> assertThat(Double.parseDouble(p)).isFinite()));
    }

    @Test
    void aModelThatComputesNanFailsTheStepNamingTheRow() throws Exception {
        Path model = TestBundles.diverged(TestBundles.classifier(tmp.resolve("model")));
        Path data = data();
        assertThat(BadInput.thrownBy(() -> new TestContext(tmp, "predict")
                        .with(BatchPredict.MODEL, new Model(model))
                        .with(BatchPredict.DATA, new Dataset(data))
                        .run(new BatchPredict())))
                .hasMessageContaining(data.resolve("rows.csv") + ", line 2 (id '2'): the model computed NaN");
    }
}
