package dev.fermion.components.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.components.TestBundles;
import dev.fermion.dsl.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {
    @TempDir
    Path tmp;

    /** Bundles written before the manifest lost its creation time (published ones, say) still load. */
    @Test
    void readsABundleWhoseManifestHasACreationTime() throws Exception {
        Path bundle = TestBundles.classifier(tmp.resolve("model"));
        Path manifest = bundle.resolve("bundle.json");
        String json = Files.readString(manifest);
        assertThat(json).doesNotContain("createdAt");
        Files.writeString(manifest, json.replaceFirst("\\{", "{\"createdAt\": \"2026-01-01T00:00:00Z\","));

        assertThat(ModelBundle.read(bundle).manifest().format()).isEqualTo(ModelBundle.FORMAT);
    }

    /** A damaged bundle cannot heal by retrying: bad input, naming the file and how to get a whole one. */
    /** MLflow shows a logged model's schema and input example from these two files. */
    @Test
    void aBundleCarriesItsMlflowSignatureAndAnInputExample() throws Exception {
        Path bundle = TestBundles.classifier(tmp.resolve("model"));
        ModelBundle read = ModelBundle.read(bundle);

        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var signature = json.readTree(bundle.resolve("signature.json").toFile());
        var inputs = json.readTree(signature.path("inputs").asText());
        assertThat(inputs).hasSize(read.preprocessing().features().size());
        assertThat(inputs.get(0).path("name").asText())
                .isEqualTo(read.preprocessing().features().get(0).column());
        assertThat(inputs.get(0).path("type").asText()).isIn("double", "string");
        assertThat(signature.path("outputs").asText()).contains("\"name\":\"label\"", "\"name\":\"probabilities\"");
        var example = json.readTree(bundle.resolve("input_example.json").toFile());
        assertThat(example.path("columns")).hasSize(inputs.size());
        assertThat(example.path("data").get(0)).hasSize(inputs.size());
        assertThat(ModelBundle.files()).contains("signature.json", "input_example.json");
    }

    @Test
    void aDamagedBundleIsBadInputNamingTheFile() throws Exception {
        Path bundle = TestBundles.classifier(tmp.resolve("model"));
        Path manifest = bundle.resolve("bundle.json");
        String json = Files.readString(manifest);
        Files.writeString(manifest, json.substring(0, json.length() / 2));
        assertThatThrownBy(() -> ModelBundle.read(bundle))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(manifest + " is not a valid model bundle manifest at line")
                .hasMessageContaining("pass the 'model' output of TrainMlp, or train the model again");

        Files.writeString(manifest, json.replace(ModelBundle.FORMAT, "fermion-mlp/9"));
        assertThatThrownBy(() -> ModelBundle.read(bundle))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("has format 'fermion-mlp/9'; this version of Fermion reads 'fermion-mlp/1'");

        Files.writeString(manifest, json);
        Files.writeString(bundle.resolve("preprocessing.json"), "[1, 2");
        assertThatThrownBy(() -> ModelBundle.read(bundle))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(bundle.resolve("preprocessing.json") + " is not a valid fitted preprocessing");

        Files.delete(bundle.resolve("labels.json"));
        assertThatThrownBy(() -> ModelBundle.read(bundle))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Model bundle " + bundle + " lacks labels.json");

        assertThatThrownBy(() -> ModelBundle.read(tmp.resolve("nowhere")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Model bundle " + tmp.resolve("nowhere") + " does not exist");
    }

    @Test
    void truncatedWeightsAreBadInput() throws Exception {
        Path bundle = TestBundles.classifier(tmp.resolve("model"));
        Path weights = bundle.resolve("mlp-0000.params");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ModelBundle.open(bundle))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Cannot load the weights of model bundle " + bundle);
    }
}
