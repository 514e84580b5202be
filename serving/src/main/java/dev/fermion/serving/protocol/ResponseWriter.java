package dev.fermion.serving.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fermion.serving.model.Predictions;
import java.util.List;

/** Builds the JSON documents of the Open Inference Protocol v2 from the server's own values. */
public final class ResponseWriter {
    public static final String PLATFORM = "fermion-djl";
    private final ObjectMapper json;

    public ResponseWriter(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode serverMetadata(String name, String version) {
        ObjectNode node = json.createObjectNode().put("name", name).put("version", version);
        node.putArray("extensions");
        return node;
    }

    public ObjectNode modelMetadata(String model, ModelSignature signature) {
        ObjectNode node = json.createObjectNode().put("name", model);
        node.putArray("versions");
        node.put("platform", PLATFORM);
        writeSpecs(node.putArray("inputs"), signature.inputs());
        writeSpecs(node.putArray("outputs"), signature.outputs());
        return node;
    }

    public ObjectNode inferResponse(
            String model, InferenceRequest request, ModelSignature signature, Predictions predictions) {
        ObjectNode node = json.createObjectNode().put("model_name", model);
        if (request.id() != null) {
            node.put("id", request.id());
        }
        ArrayNode outputs = node.putArray("outputs");
        int batch = predictions.outputs().size();
        for (String name : request.outputs()) {
            ObjectNode output = outputs.addObject().put("name", name);
            switch (name) {
                case ModelSignature.LABEL: {
                    output.put("datatype", "BYTES");
                    output.putArray("shape").add(batch);
                    ArrayNode data = output.putArray("data");
                    predictions.labels().forEach(data::add);
                    break;
                }
                case ModelSignature.PROBABILITIES: {
                    int classes = signature.labels().size();
                    output.put("datatype", "FP32");
                    output.putArray("shape").add(batch).add(classes);
                    ArrayNode labels = output.putObject("parameters").putArray("labels");
                    signature.labels().forEach(labels::add);
                    ArrayNode data = output.putArray("data");
                    for (double[] row : predictions.outputs()) {
                        for (double p : row) {
                            data.add((float) p);
                        }
                    }
                    break;
                }
                case ModelSignature.VALUE: {
                    output.put("datatype", "FP32");
                    output.putArray("shape").add(batch);
                    ArrayNode data = output.putArray("data");
                    predictions.outputs().forEach(row -> data.add((float) row[0]));
                    break;
                }
                default:
                    throw new IllegalStateException("Output '" + name + "' passed validation but has no writer");
            }
        }
        return node;
    }

    public ObjectNode error(String message) {
        return json.createObjectNode().put("error", message);
    }

    private static void writeSpecs(ArrayNode array, List<TensorSpec> specs) {
        for (TensorSpec spec : specs) {
            ObjectNode node = array.addObject().put("name", spec.name()).put("datatype", spec.datatype());
            ArrayNode shape = node.putArray("shape");
            spec.shape().forEach(shape::add);
            if (!spec.parameters().isEmpty()) {
                ObjectNode parameters = node.putObject("parameters");
                spec.parameters().forEach((key, values) -> {
                    ArrayNode list = parameters.putArray(key);
                    values.forEach(list::add);
                });
            }
        }
    }
}
