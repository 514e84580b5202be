package dev.fermion.compiler.argo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Resource} as one YAML document. The object is first turned into a JSON tree and pruned of
 * nulls, empty lists and empty maps, because fabric8 model classes initialise their collections and would
 * otherwise print {@code []} and {@code {}} noise; {@code emptyDir: {}} is the one empty map that means
 * something and is kept. Strings that look like numbers or booleans are always quoted so a YAML reader
 * never turns a parameter value such as {@code "1"} into an integer.
 */
public final class ArgoYaml {
    /** The one empty object that is meaningful in the emitted subset: an emptyDir volume without options. */
    private static final String EMPTY_DIR = "emptyDir";

    private static final ObjectMapper TREE = JsonMapper.builder()
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.ALWAYS))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();
    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .disable(YAMLGenerator.Feature.SPLIT_LINES)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .build())
            .build();

    private ArgoYaml() {
    }

    /** The pruned JSON tree of {@code resource}: what both the YAML and the size check are made from. */
    public static JsonNode tree(Resource resource) {
        JsonNode tree = TREE.valueToTree(resource);
        prune(tree);
        return tree;
    }

    public static String yaml(JsonNode tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the workflow as YAML: " + e.getOriginalMessage(), e);
        }
    }

    /** Size of the tree as compact JSON, the form the Kubernetes API server and Argo store. */
    public static int jsonBytes(JsonNode tree) {
        try {
            return TREE.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the workflow as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void prune(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            List<String> drop = new ArrayList<>();
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode value = field.getValue();
                prune(value);
                boolean emptyContainer = value.isContainerNode() && value.isEmpty();
                if (value.isNull() || (emptyContainer && !(value.isObject() && field.getKey().equals(EMPTY_DIR)))) {
                    drop.add(field.getKey());
                }
            }
            object.remove(drop);
        } else if (node.isArray()) {
            node.forEach(ArgoYaml::prune);
        }
    }
}
