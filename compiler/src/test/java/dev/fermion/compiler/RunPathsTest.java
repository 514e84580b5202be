package dev.fermion.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fermion.compiler.fixtures.SamplePipelines;
import dev.fermion.dsl.Pipeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With tracking, every Java step's pod runs as its path in the run, as a local run names it, so that the
 * iterations of a loop and the calls of a sub-pipeline each get a child run of their own. The test follows the
 * compiled workflow from its entrypoint as Argo would, passing each task's arguments into the template it
 * calls, and reads the {@code --step} each pod's launcher is started with ({@code <item>} for a loop's item).
 */
class RunPathsTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final CompilerOptions OPTIONS = CompilerOptions.defaults().withTag("1.0.0");
    private static final ArgoCompiler TRACKED =
            new ArgoCompiler(OPTIONS.withMlflow(MlflowSettings.parse("http://mlflow:5000", null, null)));

    @Test
    void loopIterationsRunAsTheirLoopAndItemWithOrWithoutAParallelismWrapper(@TempDir Path tmp) throws IOException {
        assertThat(launchedSteps(SamplePipelines.staticLoopFanIn(), tmp))
                .containsExactlyInAnyOrder("shards/<item>/score", "best");
        assertThat(launchedSteps(SamplePipelines.dynamicLoop(), tmp))
                .containsExactlyInAnyOrder(
                        "list-shards", "echo", "per-shard/<item>/score", "per-shard/<item>/shout", "best");
    }

    @Test
    void stepsOfASubPipelineRunUnderTheCallThatRanThem(@TempDir Path tmp) throws IOException {
        assertThat(launchedSteps(SamplePipelines.subPipeline(), tmp))
                .containsExactlyInAnyOrder(
                        "prepare", "first/train", "first/evaluate", "second/train", "second/evaluate", "deploy");
    }

    @Test
    void aRecursionNestsEachLevelUnderTheOneThatCalledIt(@TempDir Path tmp) throws IOException {
        // followed six templates deep: each level's step sits under the recursion step of the level that called it
        assertThat(launchedSteps(SamplePipelines.recursion(), tmp))
                .contains("prepare", "rounds/train", "rounds/again/train", "rounds/again/again/train");
    }

    @Test
    void withoutTrackingStepsRunAsTheirNameAndNoPathIsCompiled() {
        String yaml = new ArgoCompiler(OPTIONS)
                .compile(SamplePipelines.dynamicLoop().plan(), WorkflowKind.WORKFLOW, Map.of())
                .yaml();

        assertThat(yaml).doesNotContain(RunPaths.PATH).doesNotContain(RunPaths.SCOPE);
    }

    /** The {@code --step} of every pod the workflow can start, following tasks from the entrypoint. */
    private static List<String> launchedSteps(Pipeline pipeline, Path tmp) throws IOException {
        String yaml = TRACKED.compile(pipeline.plan(), WorkflowKind.WORKFLOW, Map.of())
                .yaml();
        Path file = tmp.resolve(pipeline.plan().name() + ".yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        ArgoValidator.assertValid(List.of(file));
        JsonNode workflow = YAML.readTree(yaml);
        Map<String, JsonNode> templates = new HashMap<>();
        workflow.path("spec")
                .path("templates")
                .forEach(t -> templates.put(t.path("name").asText(), t));
        Set<String> launched = new TreeSet<>();
        follow(templates, workflow.at("/spec/entrypoint").asText(), Map.of(), launched, 0);
        return List.copyOf(launched);
    }

    private static void follow(
            Map<String, JsonNode> templates, String name, Map<String, String> inputs, Set<String> launched, int depth) {
        JsonNode template = templates.get(name);
        assertThat(template).as("template %s", name).isNotNull();
        JsonNode args = template.at("/container/args");
        // a step's pod; the source-digest pods and the tracking finaliser start with their mode's flag
        if (args.size() > 0 && args.get(0).asText().equals("--component")) {
            for (int i = 0; i + 1 < args.size(); i++) {
                if (args.get(i).asText().equals("--step")) {
                    launched.add(substitute(args.get(i + 1).asText(), inputs));
                }
            }
        }
        if (depth > 6) {
            return; // a recursion's levels repeat from here on
        }
        for (JsonNode task : template.path("dag").path("tasks")) {
            Map<String, String> passed = new HashMap<>();
            for (JsonNode param : task.at("/arguments/parameters")) {
                String key = param.path("name").asText();
                if (key.equals(RunPaths.PATH) || key.equals(RunPaths.SCOPE)) {
                    passed.put(key, substitute(param.path("value").asText(), inputs));
                }
            }
            follow(templates, task.path("template").asText(), passed, launched, depth + 1);
        }
    }

    private static String substitute(String text, Map<String, String> inputs) {
        String out = text.replace("{{item}}", "<item>");
        for (Map.Entry<String, String> input : inputs.entrySet()) {
            out = out.replace("{{inputs.parameters." + input.getKey() + "}}", input.getValue());
        }
        assertThat(out).as("every reference of %s resolved", text).doesNotContain("{{");
        return out;
    }
}
