package dev.fermion.runtime.container;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a resource step's outputs locally. Argo evaluates kubectl's full JSONPath; local runs support its
 * common subset, field paths with array indexes such as {@code {.metadata.name}} or
 * {@code {.status.conditions[0].type}}, and say so for anything else.
 */
final class JsonPaths {
    private static final Pattern TEMPLATE = Pattern.compile("\\{((\\.[A-Za-z0-9_\\-]+(\\[[0-9]+])?)+)}");
    private static final Pattern SEGMENT = Pattern.compile("\\.([A-Za-z0-9_\\-]+)(?:\\[([0-9]+)])?");

    private JsonPaths() {}

    /** The text at {@code path}, or null when the object has no such field. */
    static String read(JsonNode object, String path) {
        Matcher template = TEMPLATE.matcher(path);
        if (!template.matches()) {
            throw new IllegalArgumentException(
                    "the JSONPath '" + path + "' uses syntax that local runs do not support; "
                            + "use field paths with indexes such as {.metadata.name} or {.status.conditions[0].type}");
        }
        JsonNode node = object;
        Matcher segment = SEGMENT.matcher(template.group(1));
        while (node != null && segment.find()) {
            node = node.get(segment.group(1));
            if (node != null && segment.group(2) != null) {
                node = node.get(Integer.parseInt(segment.group(2)));
            }
        }
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }
}
