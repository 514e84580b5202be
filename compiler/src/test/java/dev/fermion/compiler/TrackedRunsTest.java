package dev.fermion.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fermion.compiler.fixtures.Components.Prepare;
import dev.fermion.compiler.fixtures.Components.Train;
import dev.fermion.compiler.fixtures.SamplePipelines;
import dev.fermion.dsl.Pipeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tracked workflow tells its exit handler which steps were memoize hits: each cached step publishes the
 * uid of the workflow that ran it as a global output, and the tracking finaliser reads one per step.
 */
class TrackedRunsTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ArgoCompiler TRACKED = new ArgoCompiler(CompilerOptions.defaults()
            .withTag("1.0.0")
            .withMlflow(MlflowSettings.parse("http://mlflow:5000", null, null)));
    private static final String GLOBAL = "fermion-tracked-run-{{inputs.parameters.fermion-step}}";

    @Test
    void everyMemoizedTemplatePublishesTheRunThatMadeItsOutputsAndTheFinaliserReadsEachTopLevelStep(@TempDir Path tmp)
            throws IOException {
        String yaml = TRACKED.compile(SamplePipelines.sourceDigest().plan(), WorkflowKind.WORKFLOW, Map.of())
                .yaml();
        JsonNode workflow = YAML.readTree(yaml);

        int memoized = 0;
        for (JsonNode template : workflow.path("spec").path("templates")) {
            if (!template.has("memoize")) {
                continue;
            }
            memoized++;
            JsonNode output = trackedRunOutput(template);
            assertThat(output.path("globalName").asText())
                    .as(template.path("name").asText())
                    .isEqualTo(GLOBAL);
            if (template.has("dag")) {
                // The retried step's wrapper: on a hit only its outputs come back from the cache.
                assertThat(output.at("/valueFrom/parameter").asText())
                        .isEqualTo(
                                "{{tasks." + ArgoCompiler.RETRIED_TASK + ".outputs.parameters.fermion-tracked-run}}");
                JsonNode pod = HostileValuesTest.podTemplate(
                        workflow, template.path("name").asText());
                assertThat(trackedRunOutput(pod).path("globalName").asText()).isEqualTo(GLOBAL);
            } else {
                assertThat(output.at("/valueFrom/path").asText()).isEqualTo("/fermion/outputs/tracked-run");
                // A pod that wrote nothing (tracking misconfigured) still succeeds.
                assertThat(output.at("/valueFrom/default").isTextual()).isTrue();
                assertThat(output.at("/valueFrom/default").asText()).isEmpty();
            }
        }
        assertThat(memoized).as("cached templates in the sample").isGreaterThanOrEqualTo(3);

        // The loop's body (ingest-day) runs once per item under one name: it is not read.
        assertThat(finaliserArgs(workflow))
                .containsExactly(
                        "--finish-tracking",
                        "source-digest",
                        "{{workflow.status}}",
                        "schema={{=workflow?.outputs?.parameters?.['fermion-tracked-run-schema'] ?? ''}}",
                        "ingest={{=workflow?.outputs?.parameters?.['fermion-tracked-run-ingest'] ?? ''}}",
                        "train={{=workflow?.outputs?.parameters?.['fermion-tracked-run-train'] ?? ''}}");

        Path compiled = tmp.resolve("tracked.yaml");
        Files.writeString(compiled, yaml, StandardCharsets.UTF_8);
        ArgoValidator.assertValid(List.of(compiled));
    }

    @Test
    void anUncachedStepCannotBeAHitAndIsNeitherPublishedNorRead() throws IOException {
        Pipeline pipeline = Pipeline.named("once").define(p -> {
            var prep = p.step("prepare", new Prepare()).with(Prepare.SOURCE, "data.csv");
            p.step("train", new Train())
                    .with(Train.DATA, prep.out(Prepare.TRAIN))
                    .noCache();
        });
        JsonNode workflow = YAML.readTree(TRACKED.compile(pipeline.plan(), WorkflowKind.WORKFLOW, Map.of())
                .yaml());

        for (JsonNode template : workflow.path("spec").path("templates")) {
            boolean publishes = false;
            for (JsonNode output : template.at("/outputs/parameters")) {
                publishes |= output.path("name").asText().equals(TrackedRuns.OUTPUT);
            }
            assertThat(publishes).as(template.path("name").asText()).isEqualTo(template.has("memoize"));
        }
        assertThat(finaliserArgs(workflow)).noneMatch(arg -> arg.startsWith("train="));
        assertThat(finaliserArgs(workflow)).anyMatch(arg -> arg.startsWith("prepare="));
    }

    @Test
    void argoReadsTheUidOfTheWorkflowThatRanTheStepAndNothingForAStepThatDidNotRun() {
        String arg =
                TrackedRuns.finaliserArgs(SamplePipelines.linearChain().plan()).get(1);
        assertThat(arg).startsWith("train=");
        String expression = arg.substring("train=".length());
        try (ArgoEvaluator argo = ArgoEvaluator.start()) {
            assertThat(argo.replace(
                                    expression,
                                    Map.of(
                                            "workflow.status",
                                            "Succeeded",
                                            "workflow.outputs.parameters.fermion-tracked-run-train",
                                            "0b5e-earlier-uid"))
                            .result())
                    .isEqualTo("0b5e-earlier-uid");
            assertThat(argo.replace(expression, Map.of("workflow.status", "Succeeded"))
                            .result())
                    .isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode trackedRunOutput(JsonNode template) {
        for (JsonNode output : template.at("/outputs/parameters")) {
            if (output.path("name").asText().equals(TrackedRuns.OUTPUT)) {
                return output;
            }
        }
        throw new AssertionError("template " + template.path("name").asText() + " publishes no " + TrackedRuns.OUTPUT
                + ": " + template.path("outputs"));
    }

    private static List<String> finaliserArgs(JsonNode workflow) {
        for (JsonNode template : workflow.path("spec").path("templates")) {
            JsonNode args = template.at("/container/args");
            if (args.size() > 0 && args.get(0).asText().equals("--finish-tracking")) {
                List<String> all = new ArrayList<>();
                args.forEach(a -> all.add(a.asText()));
                return all;
            }
        }
        throw new AssertionError("no tracking finaliser in the workflow");
    }
}
