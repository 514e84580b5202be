package dev.fermion.components.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.table.JsonFile;
import dev.fermion.components.table.Printable;
import dev.fermion.components.table.TableSchema;
import dev.fermion.dsl.BadInputException;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
public record ModelBundle(
        Manifest manifest,
        MlpArchitecture architecture,
        Preprocessing preprocessing,
        List<String> labels,
        TableSchema schema) {
    public static final String FORMAT = "fermion-mlp/1";
    static final String MODEL_NAME = "mlp";
    private static final String MANIFEST = "bundle.json";
    private static final String ARCHITECTURE = "architecture.json";
    private static final String LABELS = "labels.json";
    /** How to get a whole bundle instead of a damaged or partial one. */
    private static final String INCOMPLETE =
            "the bundle is damaged or incomplete: pass the 'model' output of " + "TrainMlp, or train the model again";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
        if (!Files.isDirectory(directory)) {
            throw new BadInputException("Model bundle " + directory
                    + (Files.exists(directory) ? " is a file, not a " + "directory" : " does not exist")
                    + "; pass the 'model' output of TrainMlp");
        }
        Path manifestFile = directory.resolve(MANIFEST);
        if (!Files.exists(manifestFile)) {
            throw new BadInputException(directory + " is not a Fermion model bundle: it has no " + MANIFEST
                    + "; pass the 'model' output of TrainMlp");
        }
        Manifest manifest = part(directory, MANIFEST, Manifest.class, "model bundle manifest");
        if (!FORMAT.equals(manifest.format())) {
            throw new BadInputException("Model bundle " + directory + " has format '" + Printable.of(manifest.format())
                    + "'; this version of Fermion reads '" + FORMAT + "': train the model again with it");
        }
        MlpArchitecture architecture = part(directory, ARCHITECTURE, MlpArchitecture.class, "network architecture");
        List<String> labels = List.of(part(directory, LABELS, String[].class, "list of class labels"));
        TableSchema schema = TableSchema.read(
                        requirePart(directory, TableSchema.FILE).getParent())
                .orElseThrow();
        Preprocessing preprocessing =
                Preprocessing.read(requirePart(directory, Preprocessing.FILE).getParent());
        return new ModelBundle(manifest, architecture, preprocessing, labels, schema);
    }

    private static <T> T part(Path directory, String file, Class<T> type, String what) {
        return JsonFile.read(JSON, requirePart(directory, file), type, what, INCOMPLETE);
    }

    private static Path requirePart(Path directory, String file) {
        Path part = directory.resolve(file);
        if (!Files.isRegularFile(part)) {
            throw new BadInputException("Model bundle " + directory + " lacks " + file + "; " + INCOMPLETE);
        }
        return part;
    }

    /** Loads the bundle with its weights, ready to predict; close the predictor to free native memory. */
    public static MlpPredictor open(Path directory) {
        ModelBundle bundle = read(directory);
        Model model = Model.newInstance(MODEL_NAME, Devices.best());
        try {
            model.setBlock(bundle.architecture().build());
            model.load(directory, MODEL_NAME);
            return new MlpPredictor(bundle, model);
        } catch (MalformedModelException | EOFException | FileNotFoundException | NoSuchFileException e) {
            // What the weights file holds, or that it is missing: reading it again gives the same.
            model.close();
            throw new BadInputException(
                    "Cannot load the weights of model bundle " + directory + " ("
                            + Printable.of(String.valueOf(e.getMessage()), 300) + "); " + INCOMPLETE,
                    e);
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException(
                    "Cannot read the weights of model bundle " + directory + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The files of a bundle, for copying it elsewhere. */
    public static List<String> files() {
        return List.of(
                MANIFEST,
                ARCHITECTURE,
                LABELS,
                Preprocessing.FILE,
                TableSchema.FILE,
                MlflowSignature.SIGNATURE,
                MlflowSignature.INPUT_EXAMPLE,
                MODEL_NAME + "-0000.params");
    }
}
