package dev.fermion.components.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.components.Fixtures;
import dev.fermion.components.TestContext;
import dev.fermion.components.model.MlpPredictor;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.table.Table;
import dev.fermion.components.train.TrainMlp;
import dev.fermion.dsl.BadInputException;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.Model;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishModelTest {
    @TempDir
    Path tmp;

    @Test
    void publishesALoadableBundleWithAManifestAndNeverReplacesSilently() throws Exception {
        Path data = tmp.resolve("data");
        Fixtures.blobs(data, 100, 5);
        new TestContext(tmp, "train")
                .with(TrainMlp.TRAIN, new Dataset(data.resolve("train")))
                .with(TrainMlp.VALIDATION, new Dataset(data.resolve("validation")))
                .with(TrainMlp.PREPROCESSING, new Directory(data.resolve("preprocessing")))
                .with(TrainMlp.EPOCHS, 5)
                .run(new TrainMlp());
        Model model = new Model(tmp.resolve("train/model"));
        Path target = tmp.resolve("registry/blobs/3");

        TestContext publish = new TestContext(tmp, "publish")
                .with(PublishModel.MODEL, model)
                .with(PublishModel.NAME, "blobs")
                .with(PublishModel.VERSION, "3")
                .with(PublishModel.TARGET, target.toString())
                .run(new PublishModel());

        assertThat(publish.value(PublishModel.LOCATION)).isEqualTo(target.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> manifest = new ObjectMapper()
                .readValue(target.resolve(PublishModel.MANIFEST).toFile(), Map.class);
        assertThat(manifest.get("name")).isEqualTo("blobs");
        assertThat(manifest.get("run")).isEqualTo("run-1");
        @SuppressWarnings("unchecked")
        Map<String, String> digests = (Map<String, String>) manifest.get("sha256");
        assertThat(digests.keySet()).containsExactlyInAnyOrderElementsOf(ModelBundle.files());
        try (MlpPredictor predictor = ModelBundle.open(target)) {
            Table test = Table.readDataset(data.resolve("test"));
            assertThat(predictor.predict(test)).hasSize(test.rows().size());
        }

        assertThatThrownBy(() -> new TestContext(tmp, "again")
                        .with(PublishModel.MODEL, model)
                        .with(PublishModel.NAME, "blobs")
                        .with(PublishModel.VERSION, "3")
                        .with(PublishModel.TARGET, target.toString())
                        .run(new PublishModel()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Model blobs version 3 is already published at " + target)
                .hasMessageContaining("set 'overwrite' to true");
        new TestContext(tmp, "overwrite")
                .with(PublishModel.MODEL, model)
                .with(PublishModel.NAME, "blobs")
                .with(PublishModel.VERSION, "3")
                .with(PublishModel.TARGET, target.toString())
                .with(PublishModel.OVERWRITE, true)
                .run(new PublishModel());
        assertThat(target.resolve("mlp-0000.params")).exists();
    }

    @Test
    void rejectsNamesThatWouldEscapeTheModelDirectory() {
        assertThatThrownBy(() -> new TestContext(tmp, "publish")
                        .with(PublishModel.MODEL, new Model(tmp))
                        .with(PublishModel.NAME, "../etc")
                        .run(new PublishModel()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Input 'name' is '../etc'");
    }

    @Test
    void refusesADirectoryThatIsNotABundle() {
        assertThatThrownBy(() -> new TestContext(tmp, "publish")
                        .with(PublishModel.MODEL, new Model(tmp))
                        .with(PublishModel.NAME, "m")
                        .run(new PublishModel()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("is not a Fermion model bundle");
    }

    /** An incomplete bundle is refused before anything is staged next to the target. */
    @Test
    void refusesAnIncompleteBundleLeavingNothingBehind() throws Exception {
        Path bundle = dev.fermion.components.TestBundles.classifier(tmp.resolve("model"));
        java.nio.file.Files.delete(bundle.resolve("mlp-0000.params"));
        Path target = tmp.resolve("registry/m/1");
        assertThatThrownBy(() -> new TestContext(tmp, "publish")
                        .with(PublishModel.MODEL, new Model(bundle))
                        .with(PublishModel.NAME, "m")
                        .with(PublishModel.VERSION, "1")
                        .with(PublishModel.TARGET, target.toString())
                        .run(new PublishModel()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Model bundle " + bundle + " lacks mlp-0000.params");
        assertThat(tmp.resolve("registry")).doesNotExist();
    }
}
