package dev.fermion.components.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fermion.components.preprocess.Feature;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.table.ColumnType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a bundle's model takes and gives, in MLflow's own forms, written next to the bundle so that a model
 * logged to MLflow shows its schema (a registered version's Inputs and Outputs) and an input example:
 * {@value #SIGNATURE} holds MLflow's signature (column specs as JSON strings, as {@code Signature.to_dict()}
 * writes them) and {@value #INPUT_EXAMPLE} one row in pandas' "split" orientation. The example row is the
 * training split's fill values (the imputation value of each numeric column, the first category of each
 * categorical one), so it needs no training data and is the same for the same training.
 */
final class MlflowSignature {
    static final String SIGNATURE = "signature.json";
    static final String INPUT_EXAMPLE = "input_example.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private MlflowSignature() {}

    static void write(Path directory, Preprocessing preprocessing, Task task, List<String> labels) throws IOException {
        ArrayNode inputs = JSON.createArrayNode();
        ArrayNode columns = JSON.createArrayNode();
        ArrayNode row = JSON.createArrayNode();
        for (Feature feature : preprocessing.features()) {
            boolean numeric = feature.type() == ColumnType.NUMERIC;
            inputs.addObject()
                    .put("type", numeric ? "double" : "string")
                    .put("name", feature.column())
                    .put("required", true);
            columns.add(feature.column());
            if (numeric) {
                row.add(feature.fill());
            } else {
                row.add(
                        feature.categories().isEmpty()
                                ? ""
                                : feature.categories().get(0));
            }
        }
        ArrayNode outputs = JSON.createArrayNode();
        if (task == Task.CLASSIFICATION) {
            outputs.addObject().put("type", "string").put("name", "label").put("required", true);
            ObjectNode probabilities = outputs.addObject()
                    .put("type", "array")
                    .put("name", "probabilities")
                    .put("required", true);
            probabilities.putObject("items").put("type", "double");
        } else {
            outputs.addObject().put("type", "double").put("name", "value").put("required", true);
        }
        ObjectNode signature = JSON.createObjectNode()
                .put("inputs", JSON.writeValueAsString(inputs))
                .put("outputs", JSON.writeValueAsString(outputs));
        signature.putNull("params");
        ObjectNode example = JSON.createObjectNode();
        example.set("columns", columns);
        example.putArray("data").add(row);
        try {
            Files.writeString(directory.resolve(SIGNATURE), JSON.writeValueAsString(signature));
            Files.writeString(directory.resolve(INPUT_EXAMPLE), JSON.writeValueAsString(example));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the MLflow signature of the model bundle in " + directory, e);
        }
    }
}
