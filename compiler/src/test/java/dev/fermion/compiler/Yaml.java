package dev.fermion.compiler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** Reads compiled YAML back the way Argo's YAML reader sees it, for assertions on the structure. */
final class Yaml {
    static final YAMLMapper MAPPER = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Yaml() {}

    /** Size of a document as compact JSON in UTF-8, as Jackson writes it: what the API server stores. */
    static int jsonBytes(JsonNode tree) {
        try {
            return JSON.writeValueAsBytes(tree).length;
        } catch (JsonProcessingException e) {
            throw new AssertionError("cannot write the document as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static JsonNode read(String yaml) {
        try {
            return MAPPER.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new AssertionError("compiled output is not valid YAML: " + e.getOriginalMessage(), e);
        }
    }
}
