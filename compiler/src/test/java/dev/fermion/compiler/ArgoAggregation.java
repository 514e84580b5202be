package dev.fermion.compiler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;

/**
 * What Argo makes of the outputs of a looped task's iterations: {@code aggregatedJSONValueList} in
 * workflow/controller/operator.go of Argo v4.0.5, which {@code processAggregateNodeOutputs} calls for each
 * output name over the succeeded iterations in item order. When every value parses as a JSON object or list,
 * the list holds the parsed values; otherwise it holds the values as strings.
 */
final class ArgoAggregation {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ArgoAggregation() {}

    static String of(List<String> values) {
        ArrayNode parsed = JSON.createArrayNode();
        boolean allContainers = true;
        for (String value : values) {
            try {
                JsonNode node = JSON.readTree(value);
                if (node == null || !(node.isObject() || node.isArray())) {
                    allContainers = false;
                    break;
                }
                parsed.add(node);
            } catch (JsonProcessingException e) {
                allContainers = false;
                break;
            }
        }
        if (allContainers) {
            return parsed.toString();
        }
        ArrayNode strings = JSON.createArrayNode();
        values.forEach(strings::add);
        return strings.toString();
    }
}
