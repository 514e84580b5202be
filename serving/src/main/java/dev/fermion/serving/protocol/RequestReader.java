package dev.fermion.serving.protocol;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.components.preprocess.Feature;
import dev.fermion.components.table.ColumnType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the JSON body of an OIP v2 infer request for one model and checks it against the model's
 * signature; every refusal is a 400 naming the input, and where it applies the row and feature.
 */
public final class RequestReader {
    private static final Set<String> FLOAT_TYPES = Set.of("FP32", "FP64");
    private final ObjectMapper json;

    public RequestReader(ObjectMapper json) {
        this.json = json;
    }

    public InferenceRequest read(String model, ModelSignature signature, byte[] body) {
        JsonNode root = parse(body);
        if (!root.isObject()) {
            throw ApiException.badRequest("The request body must be a JSON object with an 'inputs' array");
        }
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw ApiException.badRequest("The request has no 'inputs': send a non-empty array of input tensors");
        }
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode input = inputs.get(i);
            String name = text(input, "name", "inputs[" + i + "]");
            if (byName.put(name, input) != null) {
                throw ApiException.badRequest("Input '" + name + "' appears more than once");
            }
        }
        List<String> columns = signature.columns();
        List<List<String>> rows;
        String tensor = null;
        if (columns.containsAll(byName.keySet())) {
            rows = perColumn(model, signature, byName);
        } else if (byName.size() == 1) {
            tensor = byName.keySet().iterator().next();
            rows = tensor(model, signature, tensor, byName.get(tensor));
        } else {
            List<String> unknown =
                    byName.keySet().stream().filter(n -> !columns.contains(n)).toList();
            throw ApiException.badRequest("Model '" + model + "' has no input named " + unknown + "; send one "
                    + "input per feature column " + columns
                    + (signature.numericOnly()
                            ? " or a single FP32 tensor of shape [-1, " + columns.size() + "]"
                            : ""));
        }
        return new InferenceRequest(id(root), tensor, rows, outputs(model, signature, root.get("outputs")));
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("The request body is empty: send an OIP v2 inference request as JSON");
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiException.badRequest("The request body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("The request body cannot be read: " + e.getMessage());
        }
    }

    /** One FP32 tensor {@code [batch, n_features]}, row-major, flat or nested. */
    private static List<List<String>> tensor(String model, ModelSignature signature, String name, JsonNode input) {
        List<String> columns = signature.columns();
        if (!signature.numericOnly()) {
            throw ApiException.badRequest("Model '" + model + "' has categorical features, which an FP32 tensor "
                    + "cannot carry, and no input named '" + name + "'; send one input per feature column " + columns);
        }
        String what = "Input '" + name + "'";
        boolean fp32 = datatype(input, what, FLOAT_TYPES).equals("FP32");
        int[] shape = shape(input, what);
        if (shape.length != 2 || shape[1] != columns.size()) {
            throw ApiException.badRequest(what + " has shape " + Arrays.toString(shape) + " but model '" + model
                    + "' takes [batch, " + columns.size() + "]: one column per feature " + columns);
        }
        List<JsonNode> data = data(input, what, (long) shape[0] * shape[1]);
        List<List<String>> rows = new ArrayList<>(shape[0]);
        for (int r = 0; r < shape[0]; r++) {
            List<String> row = new ArrayList<>(columns.size());
            for (int c = 0; c < columns.size(); c++) {
                row.add(number(
                        data.get(r * columns.size() + c), InferenceRequest.element(name, r, columns.get(c)), fp32));
            }
            rows.add(row);
        }
        return rows;
    }

    /** One tensor {@code [batch]} or {@code [batch, 1]} per feature column. */
    private static List<List<String>> perColumn(String model, ModelSignature signature, Map<String, JsonNode> inputs) {
        List<String> columns = signature.columns();
        List<String> absent =
                columns.stream().filter(c -> !inputs.containsKey(c)).toList();
        if (!absent.isEmpty()) {
            throw ApiException.badRequest("Model '" + model + "' needs input(s) " + absent + "; send one input "
                    + "per feature column " + columns);
        }
        List<List<String>> values = new ArrayList<>();
        int batch = -1;
        String first = null;
        for (Feature feature : signature.features()) {
            String what = "Input '" + feature.column() + "'";
            JsonNode input = inputs.get(feature.column());
            boolean numeric = feature.type() == ColumnType.NUMERIC;
            boolean fp32 = datatype(input, what, numeric ? FLOAT_TYPES : Set.of("BYTES"))
                    .equals("FP32");
            int[] shape = shape(input, what);
            if (shape.length == 0 || shape.length > 2 || (shape.length == 2 && shape[1] != 1)) {
                throw ApiException.badRequest(what + " has shape " + Arrays.toString(shape) + "; a feature column "
                        + "takes [batch] or [batch, 1]");
            }
            if (batch >= 0 && shape[0] != batch) {
                throw ApiException.badRequest(what + " has " + shape[0] + " rows but input '" + first + "' has " + batch
                        + "; every input needs the same batch size");
            }
            batch = shape[0];
            first = first == null ? feature.column() : first;
            List<String> column = new ArrayList<>(batch);
            List<JsonNode> data = data(input, what, batch);
            for (int r = 0; r < batch; r++) {
                String where = InferenceRequest.element(null, r, feature.column());
                column.add(numeric ? number(data.get(r), where, fp32) : category(data.get(r), where));
            }
            values.add(column);
        }
        List<List<String>> rows = new ArrayList<>(batch);
        for (int r = 0; r < batch; r++) {
            List<String> row = new ArrayList<>(values.size());
            for (List<String> column : values) {
                row.add(column.get(r));
            }
            rows.add(row);
        }
        return rows;
    }

    private static String datatype(JsonNode input, String what, Set<String> accepted) {
        String datatype = text(input, "datatype", what);
        if (!accepted.contains(datatype)) {
            throw ApiException.badRequest(what + " has datatype " + datatype + "; this model takes "
                    + accepted.stream().sorted().toList() + " there");
        }
        return datatype;
    }

    private static int[] shape(JsonNode input, String what) {
        JsonNode shape = input.get("shape");
        if (shape == null || !shape.isArray()) {
            throw ApiException.badRequest(what + " has no 'shape': give the tensor's dimensions as an array");
        }
        int[] dims = new int[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode dim = shape.get(i);
            if (!dim.canConvertToInt() || !dim.isIntegralNumber() || dim.intValue() < 0) {
                throw ApiException.badRequest(
                        what + " has shape " + shape + "; dimensions must be whole numbers " + "of at least 0");
            }
            dims[i] = dim.intValue();
        }
        if (dims.length > 0 && dims[0] == 0) {
            throw ApiException.badRequest(what + " has shape " + shape + ": a batch needs at least one row");
        }
        return dims;
    }

    private static List<JsonNode> data(JsonNode input, String what, long expected) {
        JsonNode data = input.get("data");
        if (data == null || !data.isArray()) {
            throw ApiException.badRequest(what + " has no 'data' array");
        }
        List<JsonNode> flat = new ArrayList<>();
        flatten(data, flat);
        if (flat.size() != expected) {
            throw ApiException.badRequest(
                    what + " has " + flat.size() + " data elements but its shape needs " + expected);
        }
        return flat;
    }

    // The protocol allows tensor data flattened row-major or nested by dimension; both read the same.
    private static void flatten(JsonNode node, List<JsonNode> out) {
        if (node.isArray()) {
            node.forEach(element -> flatten(element, out));
        } else {
            out.add(node);
        }
    }

    /**
     * A numeric element as text; {@code fp32} for an element of an FP32 tensor, which must fit in FP32: a
     * larger JSON number is no FP32 value, and would reach the model as infinity.
     */
    private static String number(JsonNode value, String where, boolean fp32) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            throw ApiException.badRequest(where + ": " + value + " is not a finite number");
        }
        if (fp32 && Math.abs(value.doubleValue()) > Float.MAX_VALUE) {
            throw ApiException.badRequest(where + ": " + value + " overflows FP32, whose finite values are at most "
                    + Float.MAX_VALUE + " in magnitude");
        }
        return String.valueOf(value.doubleValue());
    }

    private static String category(JsonNode value, String where) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest(where + ": " + value + " is not a string; a BYTES input takes strings");
        }
        return value.textValue();
    }

    private static String text(JsonNode node, String field, String what) {
        JsonNode value = node.isObject() ? node.get(field) : null;
        if (value == null || !value.isTextual()) {
            throw ApiException.badRequest(what + " has no '" + field + "' string");
        }
        return value.textValue();
    }

    private static String id(JsonNode root) {
        JsonNode id = root.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        if (!id.isTextual()) {
            throw ApiException.badRequest("The request 'id' must be a string, got " + id);
        }
        return id.textValue();
    }

    private static List<String> outputs(String model, ModelSignature signature, JsonNode requested) {
        List<String> known = signature.outputNames();
        if (requested == null || requested.isNull()) {
            return known;
        }
        if (!requested.isArray()) {
            throw ApiException.badRequest("The request 'outputs' must be an array of {\"name\": ...} objects");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            String name = text(requested.get(i), "name", "outputs[" + i + "]");
            if (!known.contains(name)) {
                throw ApiException.badRequest(
                        "Model '" + model + "' has no output '" + name + "'; its outputs are " + known);
            }
            names.add(name);
        }
        return names;
    }
}
