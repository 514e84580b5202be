package dev.fermion.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.List;

/**
 * The manifest of a resource step as one Kubernetes object, checked the same way when the pipeline is defined
 * and when it is compiled: one YAML object with {@code apiVersion}, {@code kind} and a name (or, for create, a
 * {@code generateName}), into whose fields every input can be written.
 */
public final class ResourceManifest {
    public static final ManifestField NAME_FIELD = new ManifestField("{.metadata.name}");
    private static final ObjectMapper YAML = new YAMLMapper();

    private ResourceManifest() {}

    /**
     * The manifest of {@code spec} as an object, after checking it.
     *
     * @throws IllegalArgumentException naming {@code where} and what is wrong
     */
    public static ObjectNode parse(ResourceSpec spec, String where) {
        JsonNode object;
        try {
            object = YAML.readTree(spec.manifest());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "The manifest of " + where + " is not valid YAML: "
                            + e.getMessage().lines().findFirst().orElse("")
                            + "; give one Kubernetes object as YAML text",
                    e);
        }
        if (object == null || !object.isObject()) {
            throw new IllegalArgumentException("The manifest of " + where + " is not a YAML object: give one "
                    + "Kubernetes object with apiVersion, kind and metadata");
        }
        for (String field : List.of("apiVersion", "kind")) {
            if (!object.path(field).isTextual() || object.path(field).asText().isBlank()) {
                throw new IllegalArgumentException("The manifest of " + where + " has no " + field + ": every "
                        + "Kubernetes object needs apiVersion and kind");
            }
        }
        JsonNode metadata = object.path("metadata");
        boolean named = metadata.path("name").isTextual() || spec.inputs().containsValue(NAME_FIELD);
        boolean generated = metadata.path("generateName").isTextual();
        if (!named && !(generated && spec.action() == ResourceSpec.Action.CREATE)) {
            throw new IllegalArgumentException("The manifest of " + where + " has no metadata.name"
                    + (spec.action() == ResourceSpec.Action.CREATE ? " or metadata.generateName" : "")
                    + ": " + spec.action().verb() + " needs to know which object it acts on (write the name, or "
                    + "an input holding it with .input(..., \"" + NAME_FIELD + "\"))");
        }
        ObjectNode checked = (ObjectNode) object;
        ObjectNode copy = checked.deepCopy();
        spec.inputs().forEach((input, field) -> {
            try {
                field.set(copy, "placeholder");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("The manifest of " + where + ": " + e.getMessage(), e);
            }
        });
        return checked;
    }
}
