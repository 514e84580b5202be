package dev.fermion.compiler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** Reads compiled YAML back the way Argo's YAML reader sees it, for assertions on the structure. */
final class Yaml {
    static final YAMLMapper MAPPER = new YAMLMapper();

    private Yaml() {
    }

    static JsonNode read(String yaml) {
        try {
            return MAPPER.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new AssertionError("compiled output is not valid YAML: " + e.getOriginalMessage(), e);
        }
    }
}
