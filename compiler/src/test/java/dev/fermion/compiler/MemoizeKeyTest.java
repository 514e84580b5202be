package dev.fermion.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fermion.compiler.fixtures.Components.Train;
import dev.fermion.compiler.fixtures.SamplePipelines;
import dev.fermion.contract.CacheKey;
import dev.fermion.contract.CodeDigest;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The memoize key Argo computes must be the project's {@link CacheKey}. The test evaluates the emitted
 * expression the way Argo's expr engine does for this subset (string literals with escapes, parameter
 * lookups with the key's escaping, {@code +}) and compares the hash with {@link CacheKey#compute};
 * {@code HostileValuesTest} does the same with Argo's own evaluation for values with quotes and line breaks.
 */
class MemoizeKeyTest {
    private static final Pattern EXPRESSION = Pattern.compile("\\{\\{=sprig\\.sha256sum\\((.*)\\)}}");
    private static final Pattern TERM =
            Pattern.compile("\\s*(?:'((?:[^'\\\\]|\\\\.)*)'|inputs\\.parameters\\['([-\\w]+)']"
                    + "|"
                    + Pattern.quote(ArgoExpressions.keyField(
                                    dev.fermion.types.ValueType.of(String.class), "inputs.parameters['X']"))
                            .replace("X", "\\E([-\\w]+)\\Q")
                    + ")\\s*(\\+|$)");

    @Test
    void argoMemoizeKeyIsTheCacheKeyOfTheStep() {
        JsonNode train = template("linear-chain", "train");
        String key = train.path("memoize").path("key").asText();
        Map<String, String> inputs = Map.of("epochs", "20", "learning-rate", "0.05", "data-digest", "abc123");

        String evaluated = CacheKey.sha256(evaluate(key, inputs));

        String expected = CacheKey.compute(
                Train.class.getName(),
                "1",
                CodeDigest.of(Train.class),
                Map.of("epochs", "20", "learning-rate", "0.05"),
                Map.of("data", "abc123"));
        assertThat(evaluated).isEqualTo(expected);
        assertThat(expected).matches("[a-zA-Z0-9][-a-zA-Z0-9]*").hasSizeLessThanOrEqualTo(253);
        assertThat(train.path("memoize").path("maxAge").asText()).isEqualTo(MemoizeKeys.FOREVER);
        assertThat(train.path("memoize")
                        .path("cache")
                        .path("configMap")
                        .path("name")
                        .asText())
                .isEqualTo(CompilerOptions.DEFAULT_CACHE_CONFIG_MAP);
    }

    @Test
    void stepsWithoutCachingHaveNoMemoizeAndMaxAgeFollowsThePolicy() {
        assertThat(template("step-options", "train").has("memoize")).isFalse();
        assertThat(template("step-options", "prepare")
                        .path("memoize")
                        .path("maxAge")
                        .asText())
                .isEqualTo("24h");
    }

    static JsonNode template(String sample, String name) {
        var plan = SamplePipelines.all().get(sample).get().plan();
        JsonNode workflow = Yaml.read(new ArgoCompiler(CompilerOptions.defaults())
                .compile(plan, WorkflowKind.WORKFLOW, Map.of())
                .yaml());
        for (JsonNode t : workflow.path("spec").path("templates")) {
            if (t.path("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no template " + name + " in " + sample);
    }

    /** The text the expression hashes, given the template's input values. */
    private static String evaluate(String key, Map<String, String> inputs) {
        Matcher whole = EXPRESSION.matcher(key);
        assertThat(whole.matches()).as("memoize key %s", key).isTrue();
        StringBuilder text = new StringBuilder();
        Matcher term = TERM.matcher(whole.group(1));
        int at = 0;
        while (at < whole.group(1).length()) {
            assertThat(term.find(at) && term.start() == at)
                    .as("term at %d of %s", at, key)
                    .isTrue();
            if (term.group(2) != null) {
                assertThat(inputs).containsKey(term.group(2));
                text.append(inputs.get(term.group(2)));
            } else if (term.group(3) != null) {
                assertThat(inputs).containsKey(term.group(3));
                text.append(inputs.get(term.group(3)).replace("\\", "\\\\").replace("\n", "\\n"));
            } else {
                text.append(
                        term.group(1).replace("\\n", "\n").replace("\\'", "'").replace("\\\\", "\\"));
            }
            at = term.end();
        }
        return text.toString();
    }
}
