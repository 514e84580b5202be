package dev.fermion.compiler.argo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written YAML must read back, with a YAML 1.1 reader (snakeyaml, as Jackson and the validator read it),
 * as exactly the tree it was written from, and the size it counts must be Jackson's compact JSON, byte for byte.
 */
class ArgoYamlTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Strings a reader could take for something else: words, numbers, indicators, escapes, non-ASCII. */
    static final List<String> AWKWARD = List.of(
            "",
            " ",
            "a",
            "y",
            "Y",
            "n",
            "N",
            "yes",
            "No",
            "ON",
            "off",
            "true",
            "False",
            "null",
            "NULL",
            "~",
            "-",
            "--",
            "-1",
            "--1",
            "-a",
            "--a",
            "- a",
            "-.inf",
            ".inf",
            ".NaN",
            "0",
            "007",
            "0x1F",
            "0o17",
            "1e3",
            "1_000",
            "1:20",
            "12h",
            "2001-12-14",
            "=",
            "<<",
            "&a",
            "*a",
            "!tag",
            "|",
            ">",
            "%x",
            "@x",
            "`x",
            "#x",
            "a #b",
            "a# b",
            "a: b",
            "a:b",
            "a:",
            "a ",
            " a",
            "a  b",
            "a,b",
            "[a]",
            "{a}",
            "a]",
            "a}",
            "?",
            "? a",
            "'q'",
            "\"q\"",
            "a\\b",
            "\\",
            "{{inputs.parameters.x}}",
            "{{=sprig.sha256sum('a\\nb')}}",
            "line\nbreak",
            "tab\tx",
            "cr\rx",
            "nul\u0000x",
            "bell\u0007",
            "del\u007F",
            "c1\u0085x",
            "nbsp\u00A0",
            "ls\u2028ps\u2029",
            "bom\uFEFF",
            "\uFFFE",
            "é",
            "日本",
            "emoji \uD83D\uDE00",
            "ghcr.io/fermion-ml/fermion-runtime:0.1.0-SNAPSHOT",
            "x=1",
            "a+b@c",
            "/fermion/out",
            "fermion.dev/pipeline",
            "_under",
            "Trains a model on iris",
            "a - b",
            "---",
            "...",
            "- - x",
            "a\nb\n",
            "a\n\nb",
            "a\n  b\n",
            "x\n ",
            "x \ny",
            "a\n\n",
            "\na",
            " a\nb",
            "#c\n- d\n---\n...\n",
            "k: v\nl:\n  - \"{{x}}\"\n");

    @Test
    void everyAwkwardStringReadsBackAsItselfAsKeyValueAndListItem() throws Exception {
        ObjectNode root = NODES.objectNode();
        ArrayNode values = root.putArray("values");
        ObjectNode keys = root.putObject("keys");
        ArrayNode names = root.putArray("names");
        int i = 0;
        for (String s : AWKWARD) {
            values.add(s);
            values.addObject().put("name", s).put("value", s);
            if (!s.isEmpty()) {
                keys.put(s, i++);
            }
            names.add(s);
        }
        assertRoundTrip(root);
    }

    @Test
    void shortNamesShareOneLineMultiLineTextIsALiteralBlockAndOtherListsAreBlocks() {
        ObjectNode root = NODES.objectNode();
        root.putArray("dependencies").add("s0").add("s1");
        root.putArray("args").add("--step").add("{{inputs.parameters.fermion-step}}");
        root.putObject("volume").putObject("emptyDir");
        root.put("manifest", "kind: Job\nspec:\n  x: \"{{inputs.parameters.y}}\"\n");
        root.put("script", "echo a\n\necho b");
        String yaml = ArgoYaml.write(root).yaml();
        assertThat(yaml).isEqualTo("""
                dependencies: [s0, s1]
                args:
                - --step
                - "{{inputs.parameters.fermion-step}}"
                volume:
                  emptyDir: {}
                manifest: |
                  kind: Job
                  spec:
                    x: "{{inputs.parameters.y}}"
                script: |-
                  echo a

                  echo b
                """);
    }

    @Test
    void randomTreesReadBackAndAreMeasuredExactly() throws Exception {
        Random random = new Random(18);
        for (int n = 0; n < 300; n++) {
            ObjectNode root = NODES.objectNode();
            fill(root, random, 0);
            assertRoundTrip(root);
        }
    }

    private static void fill(ObjectNode map, Random random, int depth) {
        int fields = 1 + random.nextInt(4);
        for (int f = 0; f < fields; f++) {
            String key = randomString(random);
            if (key.isEmpty()) {
                key = "k" + f;
            }
            map.set(key, randomNode(random, depth));
        }
    }

    private static JsonNode randomNode(Random random, int depth) {
        int kind = random.nextInt(depth > 3 ? 4 : 7);
        switch (kind) {
            case 0:
                return NODES.textNode(randomString(random));
            case 1:
                return NODES.numberNode(random.nextInt() >> random.nextInt(31));
            case 2:
                return NODES.booleanNode(random.nextBoolean());
            case 3:
                return NODES.numberNode(random.nextLong());
            case 4: {
                ObjectNode map = NODES.objectNode();
                fill(map, random, depth + 1);
                return map;
            }
            default: {
                ArrayNode list = NODES.arrayNode();
                int items = random.nextInt(4);
                for (int i = 0; i < items; i++) {
                    list.add(randomNode(random, depth + 1));
                }
                return list;
            }
        }
    }

    /** Pieces of awkward strings glued together, so indicators land at every position. */
    private static String randomString(Random random) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(3);
        for (int i = 0; i <= pieces; i++) {
            String piece = AWKWARD.get(random.nextInt(AWKWARD.size()));
            text.append(random.nextBoolean() ? piece : piece.substring(0, random.nextInt(piece.length() + 1)));
        }
        return text.toString();
    }

    private static void assertRoundTrip(ObjectNode tree) throws Exception {
        ArgoYaml.Written written = ArgoYaml.write(tree);
        JsonNode read = YAML.readTree(written.yaml());
        assertThat(read).as("read back from:%n%s", written.yaml()).isEqualTo(tree);
        assertThat(written.jsonBytes())
                .as("JSON size of:%n%s", written.yaml())
                .isEqualTo(JSON.writeValueAsString(tree).getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        List<String> lines = new ArrayList<>(List.of(written.yaml().split("\n", -1)));
        assertThat(lines.remove(lines.size() - 1))
                .as("the document ends with a line break")
                .isEmpty();
        assertThat(lines)
                .as("no line ends in a space, which a reader could drop")
                .noneMatch(l -> l.endsWith(" "));
    }
}
