package dev.fermion.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fermion.contract.ValueCodec;
import dev.fermion.testfixtures.FormattedValues;
import dev.fermion.testfixtures.FormattedValues.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FormattedValues} through Argo's own substitution and expressions ({@link ArgoEvaluator}): each iteration
 * says Java's text of its values, as a local run does ({@code FormattedValuesRunTest} in the runner runs the same
 * pipeline), not the text Go's JSON would give them.
 */
class FormattedValuesTest {
    private static ArgoEvaluator argo;
    private static JsonNode workflow;

    @BeforeAll
    static void compile(@TempDir Path dir) throws IOException {
        argo = ArgoEvaluator.start();
        String yaml = new ArgoCompiler(CompilerOptions.defaults())
                .compile(FormattedValues.pipeline().plan(), WorkflowKind.WORKFLOW, Map.of())
                .yaml();
        Path file = dir.resolve("formatted-values.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        ArgoValidator.assertValid(List.of(file));
        workflow = Yaml.read(yaml);
    }

    @AfterAll
    static void stopArgo() throws Exception {
        if (argo != null) {
            argo.close();
        }
    }

    @Test
    void theFieldsOfRecordItemsAndTheItemsAreWrittenAsJavaWritesThem() {
        List<Sample> samples = FormattedValues.samples();
        List<String> said = say("samples", "say", ValueCodec.encode(FormattedValues.SAMPLES, samples));
        List<String> expected = samples.stream().map(FormattedValues::said).toList();
        assertThat(said).isEqualTo(expected);
        // The semantics pinned: Java's text, not Go's.
        assertThat(said.get(0)).startsWith("1.0|9007199254740991|-2147483648|true|it's \"q\" \\ <b>&");
        assertThat(said.get(3))
                .startsWith("1.0E21|")
                .endsWith(",\"text\":\"it's \\\"q\\\" \\\\ <b>&\u2028\\u000B\\n{{x}} #3\","
                        + "\"weights\":{\"a<b\":0.5,\"z\":1.0E21}}");
        assertThat(said.get(4)).startsWith("123456789.0|").contains("\"rate\":1.23456789E8");
        assertThat(said.get(5)).startsWith("-0.0|");
    }

    @Test
    void theItemsOfAListOfDoublesAreWrittenAsJavaWritesThem() {
        List<String> said = say("rates", "say-rate", ValueCodec.encode(FormattedValues.RATES, FormattedValues.DOUBLES));
        assertThat(said)
                .isEqualTo(FormattedValues.DOUBLES.stream()
                        .map(d -> ValueCodec.encode(dev.fermion.types.ValueType.of(Double.class), d))
                        .toList());
        assertThat(said)
                .startsWith(
                        "1.0",
                        "0.1",
                        "2.5E-7",
                        "1.0E21",
                        "123456789.0",
                        "-0.0",
                        "0.0",
                        "5.0E-4",
                        "1.25E-4",
                        "1234567.5",
                        "10000000.0",
                        "1.0E15");
    }

    @Test
    void aLongArgoCannotReadExactlyIsRefused() {
        for (long count : FormattedValues.INEXACT) {
            List<Sample> samples = List.of(new Sample(1.0, count, 1, true, "x", Map.of()));
            ArgoEvaluator.Answer items = argo.replace(
                    task("main", "samples").path("withParam").asText(),
                    Map.of(
                            "workflow.parameters.samples",
                            ValueCodec.armour(ValueCodec.encode(FormattedValues.SAMPLES, samples))));
            assertThat(items.error()).as("%s", count).contains(ValueCodec.INEXACT_LONG);
        }
    }

    /** What step {@code step} of loop {@code loop} is given in each iteration when the loop's parameter is {@code list}. */
    private List<String> say(String loop, String step, String list) {
        ArgoEvaluator.Answer items = argo.replace(
                task("main", loop).path("withParam").asText(),
                Map.of("workflow.parameters." + loop, ValueCodec.armour(list)));
        assertThat(items.error()).as("the items of %s", loop).isNull();
        String text = argument(task(loop, step), "text");
        List<String> said = new ArrayList<>();
        for (JsonNode item : Yaml.read(items.result())) {
            // {{item}} is the item's text; the loop passes it to the body as an input.
            ArgoEvaluator.Answer answer =
                    argo.replace(text, Map.of("inputs.parameters." + ValueReferences.itemParam(loop), item.asText()));
            assertThat(answer.error()).as("the text of %s", item).isNull();
            said.add(ValueCodec.disarm(answer.result()));
        }
        return said;
    }

    private static JsonNode task(String template, String name) {
        for (JsonNode t :
                HostileValuesTest.template(workflow, template).path("dag").path("tasks")) {
            if (t.path("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no task " + name + " in " + template);
    }

    private static String argument(JsonNode task, String name) {
        for (JsonNode p : task.path("arguments").path("parameters")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("value").asText();
            }
        }
        throw new AssertionError("no argument " + name + " of " + task);
    }
}
