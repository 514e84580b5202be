package dev.fermion.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A field of a Kubernetes object that a resource step writes one of its inputs into, written as a
 * kubectl JSONPath of field names and list indices: {@code {.spec.source.persistentVolumeClaimName}},
 * {@code {.spec.template.spec.volumes[0].persistentVolumeClaim.claimName}}.
 *
 * <p>The value always becomes one whole string field, and only Kubernetes object names may be written
 * ({@link #requireObjectName}): Argo substitutes template inputs into a resource manifest as raw text, so
 * any other value could add YAML to the object.
 */
public record ManifestField(String path) {
    private static final Pattern WHOLE = Pattern.compile("\\{((\\.[A-Za-z0-9_-]+(\\[\\d{1,4}])*)+)}");
    private static final Pattern SEGMENT = Pattern.compile("\\.([A-Za-z0-9_-]+)|\\[(\\d+)]");
    private static final Pattern OBJECT_NAME =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final int MAX_NAME = 253;

    /** @throws IllegalArgumentException naming the path and the expected form */
    public ManifestField {
        if (path == null || !WHOLE.matcher(path).matches()) {
            throw new IllegalArgumentException("'" + path + "' is not a field path: write field names and list indices "
                    + "as kubectl's JSONPath does, e.g. \"{.spec.source.persistentVolumeClaimName}\" or "
                    + "\"{.spec.volumes[0].persistentVolumeClaim.claimName}\"");
        }
    }

    /**
     * Sets the field to {@code value} in {@code object}, creating the objects on the way that are missing.
     *
     * @throws IllegalArgumentException when the path runs into a value that is not an object, or into a
     *                                  list without the element it names
     */
    public void set(ObjectNode object, String value) {
        List<Object> segments = segments();
        JsonNode current = object;
        StringBuilder walked = new StringBuilder();
        for (int i = 0; i < segments.size(); i++) {
            Object segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            if (segment instanceof String field) {
                if (!(current instanceof ObjectNode parent)) {
                    throw notThere(walked, "is not an object, so it has no field '" + field + "'");
                }
                walked.append('.').append(field);
                if (last) {
                    parent.put(field, value);
                } else {
                    JsonNode child = parent.get(field);
                    current = child == null || child.isNull() ? parent.putObject(field) : child;
                }
            } else {
                int index = (Integer) segment;
                if (!(current instanceof ArrayNode list) || index >= list.size()) {
                    throw notThere(
                            walked,
                            current instanceof ArrayNode list
                                    ? "has " + list.size() + " elements, so no element " + index
                                    : "is not a list");
                }
                walked.append('[').append(index).append(']');
                if (last) {
                    list.set(index, list.textNode(value));
                } else {
                    current = list.get(index);
                }
            }
        }
    }

    private IllegalArgumentException notThere(StringBuilder walked, String problem) {
        String where = walked.length() == 0 ? "the object" : "{" + walked + "}";
        return new IllegalArgumentException("cannot write " + path + ": " + where + " " + problem
                + " in the manifest; point the path at a field of the object");
    }

    private List<Object> segments() {
        List<Object> segments = new ArrayList<>();
        Matcher m = SEGMENT.matcher(path.substring(1, path.length() - 1));
        while (m.find()) {
            segments.add(m.group(1) != null ? m.group(1) : Integer.valueOf(m.group(2)));
        }
        return segments;
    }

    /** Whether {@code value} is a valid name of a Kubernetes object (a DNS-1123 subdomain). */
    public static boolean isObjectName(String value) {
        return value != null
                && value.length() <= MAX_NAME
                && OBJECT_NAME.matcher(value).matches();
    }

    /**
     * {@code value} if it is a Kubernetes object name.
     *
     * @throws IllegalArgumentException naming {@code what} otherwise
     */
    public static String requireObjectName(String value, String what) {
        if (!isObjectName(value)) {
            throw new IllegalArgumentException(what + " is '" + value + "', which is not a Kubernetes object name: "
                    + "a resource manifest only takes names (lowercase letters, digits, '-' and '.', at most "
                    + MAX_NAME + " characters)");
        }
        return value;
    }

    @Override
    public String toString() {
        return path;
    }
}
