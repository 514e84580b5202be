package dev.fermion.compiler.argo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link Resource} as one YAML document and measures it as the compact JSON Argo stores, in one walk.
 *
 * <p>The object is first turned into a JSON tree and pruned of nulls, empty lists and empty maps, because fabric8
 * model classes initialise their collections and would otherwise print {@code []} and {@code {}} noise;
 * {@code emptyDir: {}} is the one empty map that means something and is kept. The tree is then written by hand
 * rather than through a YAML library: a workflow of thousands of steps is mostly the same few shapes, and a
 * general emitter spent most of the compile time deciding, scalar by scalar, what this writer decides with one
 * conservative rule. The size Argo's 1 MiB limit applies to is counted in the same walk, byte for byte what
 * Jackson's compact JSON of the tree would be, so the workflow is never serialised a second time to check it.
 *
 * <p>The YAML subset written: block mappings indented by two, block sequences at their key's indentation (as
 * {@code kubectl} writes them), a sequence of short names on one line ({@code [a, b]}), and a multi-line string
 * (a manifest, a script) as a literal block when it reads back unchanged as one. A string is written
 * plain only when no YAML 1.1 or 1.2 reader could take it for anything but that string (it starts with a letter,
 * {@code _} or {@code /}, uses a small set of characters, and is not a boolean or null word); every other string
 * is double-quoted with escapes, so no value can start a YAML structure, turn into a number, or break a line.
 */
public final class ArgoYaml {
    /** The one empty object that is meaningful in the emitted subset: an emptyDir volume without options. */
    private static final String EMPTY_DIR = "emptyDir";
    /** Plain words YAML 1.1 readers (Argo's, snakeyaml) resolve to booleans or null; compared in lower case. */
    private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "true", "false", "on", "off", "null");

    private static final String SPACES = " ".repeat(64);
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static final ObjectMapper TREE = JsonMapper.builder()
            .defaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.ALWAYS))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    /**
     * One document.
     *
     * @param yaml      the YAML text
     * @param jsonBytes the size of the same object as compact JSON in UTF-8, the form the API server stores
     */
    public record Written(String yaml, int jsonBytes) {}

    private final StringBuilder out;
    private long json;

    private ArgoYaml(int capacity) {
        this.out = new StringBuilder(capacity);
    }

    /** The YAML of {@code resource} and its size as Argo stores it. */
    public static Written write(Resource resource) {
        JsonNode tree = TREE.valueToTree(resource);
        prune(tree);
        return write(tree);
    }

    /** The YAML of an already pruned tree and its compact JSON size. */
    static Written write(JsonNode tree) {
        if (!tree.isObject()) {
            throw new IllegalArgumentException("a YAML document of Argo is a mapping, not " + tree.getNodeType());
        }
        ArgoYaml writer = new ArgoYaml(4096);
        writer.mapping(tree, 0, false);
        if (writer.json > Integer.MAX_VALUE) {
            throw new IllegalStateException("the workflow is over 2 GiB as JSON");
        }
        return new Written(writer.out.toString(), (int) writer.json);
    }

    private static void prune(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            List<String> drop = new ArrayList<>();
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode value = field.getValue();
                prune(value);
                boolean emptyContainer = value.isContainerNode() && value.isEmpty();
                if (value.isNull()
                        || (emptyContainer
                                && !(value.isObject() && field.getKey().equals(EMPTY_DIR)))) {
                    drop.add(field.getKey());
                }
            }
            object.remove(drop);
        } else if (node.isArray()) {
            node.forEach(ArgoYaml::prune);
        }
    }

    /**
     * The fields of {@code map}, each on a line at {@code indent}; with {@code continueLine} the first goes
     * where the cursor is, after a sequence's {@code "- "}.
     */
    private void mapping(JsonNode map, int indent, boolean continueLine) {
        json += 2 + Math.max(0, map.size() - 1); // { } and the commas
        boolean first = true;
        for (Map.Entry<String, JsonNode> field : map.properties()) {
            if (!first || !continueLine) {
                indent(indent);
            }
            first = false;
            scalar(field.getKey(), false);
            json += 1; // :
            out.append(':');
            value(field.getValue(), indent);
        }
    }

    /** The value of a mapping field whose key is written at {@code indent}, from the colon to the line's end. */
    private void value(JsonNode value, int indent) {
        if (value.isContainerNode() && value.isEmpty()) {
            json += 2;
            out.append(value.isObject() ? " {}\n" : " []\n");
        } else if (value.isObject()) {
            out.append('\n');
            mapping(value, indent + 2, false);
        } else if (value.isArray()) {
            if (inline(value)) {
                json += 2 + value.size() - 1;
                out.append(" [");
                boolean first = true;
                for (JsonNode item : value) {
                    if (!first) {
                        out.append(", ");
                    }
                    first = false;
                    scalar(item.textValue(), true);
                }
                out.append("]\n");
            } else {
                out.append('\n');
                sequence(value, indent);
            }
        } else if (value.isTextual() && literal(value.textValue())) {
            out.append(' ');
            block(value.textValue(), indent + 2);
        } else {
            out.append(' ');
            leaf(value);
            out.append('\n');
        }
    }

    private void sequence(JsonNode list, int indent) {
        json += 2 + Math.max(0, list.size() - 1);
        for (JsonNode item : list) {
            indent(indent);
            if (item.isContainerNode() && item.isEmpty()) {
                json += 2;
                out.append(item.isObject() ? "- {}\n" : "- []\n");
            } else if (item.isObject()) {
                out.append("- ");
                mapping(item, indent + 2, true);
            } else if (item.isArray()) {
                out.append("-\n");
                sequence(item, indent + 2);
            } else if (item.isTextual() && literal(item.textValue())) {
                out.append("- ");
                block(item.textValue(), indent + 2);
            } else {
                out.append("- ");
                leaf(item);
                out.append('\n');
            }
        }
    }

    /**
     * Whether a multi-line string (a manifest, a script) can be a literal block and read back unchanged: every
     * character printable and no tab or carriage return, the first line not indented, no line ending in a
     * space (a line of spaces would read back as an empty one), and not ending in more than one line break.
     */
    private static boolean literal(String text) {
        int length = text.length();
        if (text.indexOf('\n') < 0
                || text.charAt(0) == ' '
                || text.charAt(0) == '\n'
                || (length > 1 && text.charAt(length - 1) == '\n' && text.charAt(length - 2) == '\n')) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                if (i > 0 && text.charAt(i - 1) == ' ') {
                    return false;
                }
            } else if (c < 0x20
                    || (c >= 0x7F && c <= 0x9F)
                    || Character.isSurrogate(c)
                    || c == 0x2028
                    || c == 0x2029
                    || c == 0xFEFF
                    || c >= 0xFFFE) {
                return false;
            }
        }
        return text.charAt(length - 1) != ' ';
    }

    /**
     * A literal block: {@code |} when the text ends in one line break, {@code |-} when it ends in none, then
     * each line at {@code indent} (an empty line stays empty).
     */
    private void block(String text, int indent) {
        json += jsonString(text);
        boolean clip = text.charAt(text.length() - 1) == '\n';
        out.append(clip ? "|\n" : "|-\n");
        int end = clip ? text.length() - 1 : text.length();
        int start = 0;
        while (start <= end) {
            int newline = text.indexOf('\n', start);
            int lineEnd = newline < 0 || newline > end ? end : newline;
            if (lineEnd > start) {
                indent(indent);
                out.append(text, start, lineEnd);
            }
            out.append('\n');
            start = lineEnd + 1;
        }
    }

    /** A list written on one line: short names only, which need no quotes even among flow indicators. */
    private static boolean inline(JsonNode list) {
        for (JsonNode item : list) {
            if (!item.isTextual() || !plain(item.textValue(), true)) {
                return false;
            }
        }
        return true;
    }

    private void leaf(JsonNode node) {
        if (node.isTextual()) {
            scalar(node.textValue(), false);
        } else if (node.isNumber() || node.isBoolean() || node.isNull()) {
            // Their JSON text is also their YAML text: digits, a sign, a point or exponent, true, false, null.
            String text = node.toString();
            json += text.length();
            out.append(text);
        } else {
            throw new IllegalStateException("cannot write a " + node.getNodeType() + " node of an Argo resource");
        }
    }

    /** A string, as a key or a value: plain when that is unambiguous, double-quoted otherwise. */
    private void scalar(String text, boolean flow) {
        json += jsonString(text);
        if (plain(text, flow)) {
            out.append(text);
            return;
        }
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c) || c == 0x2028 || c == 0x2029 || c == 0xFEFF || c >= 0xFFFE) {
                // Not printable in YAML: a lone surrogate, the Unicode line and paragraph separators, a BOM.
                out.append("\\u")
                        .append(HEX[c >> 12])
                        .append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF])
                        .append(HEX[c & 0xF]);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /**
     * Whether {@code text} reads back as itself when written without quotes. Deliberately narrow: a first
     * character that cannot open a YAML structure, a number or an alias (a letter, {@code _}, {@code /}, or one
     * or two dashes before a letter); no {@code ": "}, no trailing colon or
     * space, none of YAML 1.1's boolean and null words. In a flow sequence also no space, comma or colon.
     */
    static boolean plain(String text, boolean flow) {
        int length = text.length();
        if (length == 0) {
            return false;
        }
        char first = text.charAt(0);
        if (first == '-') {
            // A command-line option: a dash before a letter or a second dash opens no sequence and is no number.
            int letter = length > 1 && text.charAt(1) == '-' ? 2 : 1;
            if (letter >= length || !isLetter(text.charAt(letter))) {
                return false;
            }
        } else if (!(isLetter(first) || first == '_' || first == '/')) {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = text.charAt(i);
            boolean word = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '.'
                    || c == '/'
                    || c == '-';
            if (word) {
                continue;
            }
            if (flow) {
                return false;
            }
            switch (c) {
                case ' ':
                    if (i == length - 1 || text.charAt(i + 1) == ' ') {
                        return false;
                    }
                    break;
                case ':':
                    if (i == length - 1 || text.charAt(i + 1) == ' ') {
                        return false;
                    }
                    break;
                case '=':
                case '@':
                case '+':
                case ',':
                    break;
                default:
                    return false;
            }
        }
        return length > 5 || !RESERVED.contains(text.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Bytes of {@code text} as a JSON string the way Jackson writes it, quotes included: {@code "} and {@code \}
     * and the control characters escaped ({@code \b \t \n \f \r} short, others as six-byte {@code u00XX} escapes), everything
     * else in UTF-8 (a lone surrogate becomes one replacement byte, as {@code String.getBytes} makes it).
     */
    private static int jsonString(String text) {
        int bytes = 2;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20) {
                bytes += c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r' ? 2 : 6;
            } else if (c == '"' || c == '\\') {
                bytes += 2;
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private void indent(int indent) {
        for (int left = indent; left > 0; left -= SPACES.length()) {
            out.append(SPACES, 0, Math.min(left, SPACES.length()));
        }
    }
}
