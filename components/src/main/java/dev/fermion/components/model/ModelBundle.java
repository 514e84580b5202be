package dev.fermion.components.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.table.TableSchema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained model as a self-contained directory, and the only code that knows its layout:
 *
 * <ul>
 *   <li>{@code bundle.json}: format version, task, framework and training summary;</li>
 *   <li>{@code architecture.json}: the network's shape ({@link MlpArchitecture});</li>
 *   <li>{@code mlp-0000.params}: the weights in DJL's parameter format;</li>
 *   <li>{@code preprocessing.json}: the feature transform fitted on the training split;</li>
 *   <li>{@code labels.json}: class names in output order (classification);</li>
 *   <li>{@code schema.json}: the columns the model was trained on.</li>
 *   <li>{@code signature.json}, {@code input_example.json}: the same in MLflow's forms ({@link MlflowSignature}).</li>
 * </ul>
 *
 * Evaluation, batch inference and serving load a bundle with {@link #read} and {@link #open} and never
 * need the training code.
 */
public record ModelBundle(Manifest manifest, MlpArchitecture architecture, Preprocessing preprocessing,
                          List<String> labels, TableSchema schema) {
    public static final String FORMAT = "fermion-mlp/1";
    static final String MODEL_NAME = "mlp";
    private static final String MANIFEST = "bundle.json";
    private static final String ARCHITECTURE = "architecture.json";
    private static final String LABELS = "labels.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What a bundle is and how it was trained; {@code training} holds summary numbers such as the best loss,
     * kept in the order given. No creation time: the same training gives byte-identical bundles, so what is
     * computed from them (digests, cache keys) repeats. Bundles written before kept one, which is skipped.
     */
    @JsonIgnoreProperties("createdAt")
    public record Manifest(String format, Task task, String framework, Map<String, Object> training) {
        public Manifest {
            training = Collections.unmodifiableMap(new LinkedHashMap<>(training));
        }
    }

    public ModelBundle {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(preprocessing, "preprocessing");
        labels = List.copyOf(labels);
        Objects.requireNonNull(schema, "schema");
    }

    public Task task() {
        return architecture.task();
    }

    /** Writes the bundle and the weights of {@code model} into {@code directory}. */
    public void write(Path directory, Model model) {
        try {
            Files.createDirectories(directory);
            JSON.writeValue(directory.resolve(MANIFEST).toFile(), manifest);
            JSON.writeValue(directory.resolve(ARCHITECTURE).toFile(), architecture);
            JSON.writeValue(directory.resolve(LABELS).toFile(), labels);
            preprocessing.write(directory);
            schema.write(directory);
            MlflowSignature.write(directory, preprocessing, architecture.task(), labels);
            // Pinned so the weights file has the name files() lists, whatever the model did before.
            model.setProperty("Epoch", "0");
            model.save(directory, MODEL_NAME);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write model bundle to " + directory, e);
        }
    }

    /** Reads a bundle's description (not its weights); fails naming the missing or unreadable file. */
    public static ModelBundle read(Path directory) {
        Path manifestFile = directory.resolve(MANIFEST);
        if (!Files.exists(manifestFile)) {
            throw new IllegalArgumentException(directory + " is not a Fermion model bundle: it has no " + MANIFEST
                    + "; pass the 'model' output of TrainMlp");
        }
        try {
            Manifest manifest = JSON.readValue(manifestFile.toFile(), Manifest.class);
            if (!FORMAT.equals(manifest.format())) {
                throw new IllegalArgumentException("Model bundle " + directory + " has format '" + manifest.format()
                        + "'; this version of Fermion reads '" + FORMAT + "'");
            }
            MlpArchitecture architecture = JSON.readValue(directory.resolve(ARCHITECTURE).toFile(),
                    MlpArchitecture.class);
            List<String> labels = List.of(JSON.readValue(directory.resolve(LABELS).toFile(), String[].class));
            TableSchema schema = TableSchema.read(directory).orElseThrow(() -> new IllegalArgumentException(
                    "Model bundle " + directory + " has no " + TableSchema.FILE));
            return new ModelBundle(manifest, architecture, Preprocessing.read(directory), labels, schema);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model bundle " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Loads the bundle with its weights, ready to predict; close the predictor to free native memory. */
    public static MlpPredictor open(Path directory) {
        ModelBundle bundle = read(directory);
        Model model = Model.newInstance(MODEL_NAME, Devices.best());
        try {
            model.setBlock(bundle.architecture().build());
            model.load(directory, MODEL_NAME);
            return new MlpPredictor(bundle, model);
        } catch (IOException | MalformedModelException e) {
            model.close();
            throw new IllegalArgumentException("Cannot load the weights of model bundle " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /** The files of a bundle, for copying it elsewhere. */
    public static List<String> files() {
        return List.of(MANIFEST, ARCHITECTURE, LABELS, Preprocessing.FILE, TableSchema.FILE, MlflowSignature.SIGNATURE,
                MlflowSignature.INPUT_EXAMPLE, MODEL_NAME + "-0000.params");
    }
}
