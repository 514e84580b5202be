package dev.fermion.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fermion.components.TestBundles;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.preprocess.Feature;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smoke test's request: one typical row in the form the server accepts for the bundle. */
class SmokeTestTest {
    @TempDir
    Path dir;

    @Test
    void aNumericModelGetsOneTensorOfTheTrainingMeans() {
        ModelBundle bundle = ModelBundle.read(TestBundles.classifier(dir.resolve("model")));
        JsonNode input = SmokeTest.request(bundle).path("inputs").get(0);

        assertThat(input.path("name").asText()).isEqualTo("input");
        assertThat(input.path("datatype").asText()).isEqualTo("FP32");
        assertThat(input.path("shape")).hasToString("[1,4]");
        // Standard scaling centres on the training mean: the iris mean sepal length is about 5.84.
        assertThat(input.path("data").get(0).asDouble()).isBetween(5.8, 5.9);
        for (int i = 0; i < 4; i++) {
            assertThat(input.path("data").get(i).asDouble())
                    .isEqualTo(bundle.preprocessing().features().get(i).center());
        }
    }

    @Test
    void aModelWithACategoryGetsOneTensorPerColumn() {
        ModelBundle bundle = ModelBundle.read(TestBundles.regressor(dir.resolve("model")));
        JsonNode inputs = SmokeTest.request(bundle).path("inputs");

        assertThat(inputs).hasSize(bundle.preprocessing().features().size());
        Feature species = bundle.preprocessing().features().stream()
                .filter(f -> f.column().equals("species"))
                .findFirst()
                .orElseThrow();
        JsonNode category = inputs.findParents("name").stream()
                .filter(n -> n.path("name").asText().equals("species"))
                .findFirst()
                .orElseThrow();
        assertThat(category.path("datatype").asText()).isEqualTo("BYTES");
        assertThat(category.path("data").get(0).asText())
                .isEqualTo(species.categories().get(0));
        JsonNode width = inputs.findParents("name").stream()
                .filter(n -> n.path("name").asText().equals("sepal_width"))
                .findFirst()
                .orElseThrow();
        assertThat(width.path("datatype").asText()).isEqualTo("FP32");
        assertThat(width.path("shape")).hasToString("[1]");
    }
}
