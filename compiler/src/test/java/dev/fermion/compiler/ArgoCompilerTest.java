package dev.fermion.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fermion.compiler.fixtures.Components.Echo;
import dev.fermion.compiler.fixtures.Components.Notify;
import dev.fermion.compiler.fixtures.Components.Prepare;
import dev.fermion.compiler.fixtures.Components.Score;
import dev.fermion.compiler.fixtures.Components.Stage;
import dev.fermion.compiler.fixtures.Components.Train;
import dev.fermion.compiler.fixtures.SamplePipelines;
import dev.fermion.contract.ImageMap;
import dev.fermion.contract.ValueCodec;
import dev.fermion.dsl.Pipeline;
import dev.fermion.plan.Plan;
import dev.fermion.plan.Retry;
import dev.fermion.types.ValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArgoCompilerTest {
    private static final ArgoCompiler COMPILER = new ArgoCompiler(CompilerOptions.defaults());
    /** Every {{...}} the compiler itself may write; anything else would be user text Argo evaluates. */
    private static final Pattern OWN_REFERENCE = Pattern.compile(
            "\\{\\{(inputs\\.(parameters|artifacts)\\.[-\\w]+|tasks\\.[-a-z0-9]+\\.outputs\\.(parameters|artifacts)\\.[-\\w]+"
                    + "|workflow\\.(parameters\\.[-\\w]+|uid|status)|pod\\.name|item|retries)}}");

    private static final String NASTY =
            "it's {{workflow.name}}: \"quoted\" # not a comment\n- not a list\n&anchor *alias";

    /** Compiled outputs of this class, validated in one batch after all tests (the validator starts a JVM). */
    @TempDir
    static Path compiledDir;

    @AfterAll
    static void everyCompiledWorkflowPassesArgoValidation() throws IOException {
        try (var files = Files.list(compiledDir)) {
            ArgoValidator.assertValid(files.sorted().toList());
        }
    }

    @Test
    void userTextNeverBecomesAnArgoExpressionOrBreaksTheYaml() throws IOException {
        Plan plan = Pipeline.named("escaping")
                .define(p -> {
                    var text = p.param("text", ValueType.of(String.class), NASTY, "shown as {{workflow.name}}");
                    var first = p.step("first", new Echo()).with(Echo.TEXT, NASTY);
                    p.step("second", new Echo()).with(Echo.TEXT, text).after(first);
                    p.forEach(
                            "loop",
                            List.of(NASTY, "plain"),
                            (body, item) -> body.step("third", new Echo()).with(Echo.TEXT, item));
                })
                .plan();
        String yaml = COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()).yaml();

        assertThat(yaml)
                .doesNotContain("{{workflow.name}}")
                .doesNotContain("not a comment")
                .doesNotContain("shown as");
        assertOnlyOwnReferences(yaml);
        JsonNode workflow = Yaml.read(yaml);
        String armoured = ValueCodec.armour(NASTY);
        assertThat(workflow.at("/spec/arguments/parameters/0/value").asText()).isEqualTo(armoured);
        assertThat(ValueCodec.disarm(armoured)).isEqualTo(NASTY);
        JsonNode firstTask = workflow.at("/spec/templates/0/dag/tasks/0");
        assertThat(argument(firstTask, "text")).isEqualTo(armoured);
        JsonNode loopTask = workflow.at("/spec/templates/0/dag/tasks/2");
        assertThat(loopTask.path("withItems").get(0).asText()).isEqualTo(armoured);
        assertThat(loopTask.path("withItems").get(1).asText()).isEqualTo("plain");
        validate("escaping", yaml);
    }

    @Test
    void yamlSpecialTextRoundTripsAsTheSameString() throws IOException {
        List<String> texts = List.of(
                "true",
                "0012",
                "",
                "a: b # c\n- d: [e]",
                "*star",
                "&anchor",
                "- dash",
                "@at",
                "?q",
                "!tag",
                "|pipe",
                ">gt",
                "%pct",
                "null",
                "~",
                "yes",
                "no",
                "on",
                "y",
                "N",
                "Off",
                "0x1F",
                "1e3",
                ".5",
                "`tick",
                "trailing ",
                " leading",
                "tab\there",
                "unicode \u00e9\u4e2d",
                "{flow: map}",
                "[flow, list]",
                "'single'",
                "\"double\"");
        Plan plan = Pipeline.named("scalars")
                .define(p -> {
                    for (int i = 0; i < texts.size(); i++) {
                        p.step("s" + i, new Echo()).with(Echo.TEXT, texts.get(i));
                    }
                })
                .plan();
        String yaml = COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()).yaml();
        JsonNode tasks = Yaml.read(yaml).at("/spec/templates/0/dag/tasks");
        for (int i = 0; i < texts.size(); i++) {
            JsonNode value = tasks.get(i).at("/arguments/parameters/1/value");
            assertThat(value.isTextual()).as("value of %s", texts.get(i)).isTrue();
            assertThat(value.asText()).isEqualTo(texts.get(i));
        }
        for (String yaml11Boolean : List.of("yes", "no", "on", "y", "N", "Off", "true", "null", "~")) {
            assertThat(yaml)
                    .as("Kubernetes reads YAML 1.1, where %s is not a string unless quoted", yaml11Boolean)
                    .contains("value: \"" + yaml11Boolean + "\"\n");
        }
        validate("scalars", yaml);
    }

    @Test
    void secretsAreOnlyReferenced() {
        String yaml = COMPILER.compile(SamplePipelines.stepOptions().plan(), WorkflowKind.WORKFLOW, Map.of())
                .yaml();
        JsonNode env = HostileValuesTest.podTemplate(Yaml.read(yaml), "prepare").at("/container/env");
        JsonNode secret = null;
        for (JsonNode var : env) {
            if (var.path("name").asText().equals("AWS_SECRET_ACCESS_KEY")) {
                secret = var;
            }
        }
        assertThat(secret).isNotNull();
        assertThat(secret.has("value")).isFalse();
        assertThat(secret.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("s3-credentials");
        assertThat(secret.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("secret-key");
        assertThat(yaml).doesNotContain("additionalProperties");
    }

    /**
     * Kubernetes' "restricted" Pod Security Standard, as the API server enforces it in a namespace labelled
     * {@code pod-security.kubernetes.io/enforce: restricted}, for the pod of every template that runs one.
     */
    @Test
    void everyPodMeetsTheRestrictedPodSecurityStandard() {
        for (var sample : SamplePipelines.all().entrySet()) {
            JsonNode workflow = compiled(sample.getValue().get().plan());
            for (JsonNode template : workflow.at("/spec/templates")) {
                for (String kind : List.of("container", "script")) {
                    if (!template.has(kind)) {
                        continue;
                    }
                    com.fasterxml.jackson.databind.node.ObjectNode pod = Yaml.MAPPER.createObjectNode();
                    pod.set("securityContext", workflow.at("/spec/securityContext"));
                    var containers = pod.putArray("containers").add(template.get(kind));
                    template.path("sidecars").forEach(containers::add);
                    pod.set("volumes", template.path("volumes"));
                    assertThat(dev.fermion.testfixtures.RestrictedPodSecurity.violations(pod))
                            .as("%s/%s", sample.getKey(), template.path("name").asText())
                            .isEmpty();
                }
            }
        }
    }

    /**
     * The launcher runs as the image's non-root user, who cannot create {@code /fermion} in the root file system:
     * each pod that runs it, the source-digest task's included, has a writable emptyDir where its outputs go.
     */
    @Test
    void everyLauncherPodCanWriteItsOutputs() {
        for (var sample : SamplePipelines.all().entrySet()) {
            JsonNode workflow = compiled(sample.getValue().get().plan());
            for (JsonNode template : workflow.at("/spec/templates")) {
                JsonNode container = template.path("container");
                if (!container.path("command").toString().contains("fermion-step")) {
                    continue;
                }
                String where = sample.getKey() + "/" + template.path("name").asText();
                String volume = null;
                for (JsonNode mount : container.path("volumeMounts")) {
                    if (mount.path("mountPath").asText().equals("/fermion/outputs")) {
                        volume = mount.path("name").asText();
                    }
                }
                assertThat(volume)
                        .as("%s mounts a volume at /fermion/outputs", where)
                        .isNotNull();
                boolean emptyDir = false;
                for (JsonNode v : template.path("volumes")) {
                    emptyDir |= v.path("name").asText().equals(volume) && v.has("emptyDir");
                }
                assertThat(emptyDir)
                        .as("%s: volume %s is the template's emptyDir", where, volume)
                        .isTrue();
                for (JsonNode output : template.at("/outputs/parameters")) {
                    assertThat(output.at("/valueFrom/path").asText()).as(where).startsWith("/fermion/outputs/");
                }
                for (JsonNode output : template.at("/outputs/artifacts")) {
                    assertThat(output.path("path").asText()).as(where).startsWith("/fermion/outputs/");
                }
            }
        }
    }

    /**
     * Argo never gets past a cache hit of a template that also retries (the hit is a Retry node without children,
     * which the DAG's traversal does not pass), so a cached and retried step is a memoized DAG template whose one
     * task runs the retried pod template with every input, and whose outputs are that task's.
     */
    @Test
    void aCachedAndRetriedStepIsAMemoizedCallOfTheRetriedTemplate() throws IOException {
        Plan retried = Pipeline.named("retried")
                .define(p -> {
                    var prep = p.step("prepare", new Prepare())
                            .with(Prepare.SOURCE, "s3://x")
                            .retries(2);
                    p.step("train", new Train())
                            .with(Train.DATA, prep.out(Prepare.TRAIN))
                            .with(Train.EPOCHS, 3)
                            .retries(2);
                })
                .plan();
        String yaml = COMPILER.compile(retried, WorkflowKind.WORKFLOW, Map.of()).yaml();
        JsonNode workflow = Yaml.read(yaml);
        JsonNode wrapper = HostileValuesTest.template(workflow, "train");
        JsonNode pod = HostileValuesTest.podTemplate(workflow, "train");
        assertThat(wrapper.has("memoize")).isTrue();
        assertThat(wrapper.has("retryStrategy")).isFalse();
        assertThat(pod.path("name").asText()).isEqualTo("train-retried");
        assertThat(pod.has("memoize")).isFalse();
        assertThat(pod.at("/retryStrategy/limit").asText()).isEqualTo("2");
        JsonNode call = wrapper.at("/dag/tasks/0");
        List<String> inputs = new java.util.ArrayList<>();
        wrapper.at("/inputs/parameters").forEach(p -> inputs.add(p.path("name").asText()));
        assertThat(inputs).isEqualTo(pod.at("/inputs/parameters").findValuesAsText("name"));
        call.at("/arguments/parameters")
                .forEach(a -> assertThat(a.path("value").asText())
                        .isEqualTo("{{inputs.parameters." + a.path("name").asText() + "}}"));
        assertThat(call.at("/arguments/artifacts/0/from").asText()).isEqualTo("{{inputs.artifacts.data}}");
        assertThat(wrapper.at("/inputs/artifacts/0/name").asText()).isEqualTo("data");
        assertThat(wrapper.at("/inputs/artifacts/0").has("path")).isFalse();
        wrapper.at("/outputs/parameters")
                .forEach(o -> assertThat(o.at("/valueFrom/parameter").asText())
                        .isEqualTo("{{tasks.fermion--retried.outputs.parameters."
                                + o.path("name").asText() + "}}"));
        assertThat(wrapper.at("/outputs/parameters").findValuesAsText("name"))
                .isEqualTo(pod.at("/outputs/parameters").findValuesAsText("name"));
        assertThat(wrapper.at("/outputs/artifacts/0/from").asText())
                .isEqualTo("{{tasks.fermion--retried.outputs.artifacts.model}}");
        assertThat(HostileValuesTest.template(workflow, "prepare").has("memoize"))
                .isTrue();
        validate("retried", yaml);
    }

    /** An inline file stays with the retried pod template: the memoized call has nothing to pass for it. */
    @Test
    void aCachedAndRetriedStepLeavesItsInlineFilesToTheRetriedTemplate() throws IOException {
        Plan plan = Pipeline.named("retried-inline")
                .define(p -> p.step("train", new Train())
                        .with(Train.DATA, dev.fermion.types.InlineFile.of("tiny.csv", "x,y\n1,2\n"))
                        .retries(2))
                .plan();
        String yaml = COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()).yaml();
        JsonNode workflow = Yaml.read(yaml);
        JsonNode wrapper = HostileValuesTest.template(workflow, "train");
        JsonNode pod = HostileValuesTest.podTemplate(workflow, "train");
        assertThat(wrapper.has("memoize")).isTrue();
        assertThat(wrapper.at("/inputs/artifacts").isMissingNode()
                        || wrapper.at("/inputs/artifacts").isEmpty())
                .isTrue();
        assertThat(wrapper.at("/dag/tasks/0/arguments/artifacts").isMissingNode()
                        || wrapper.at("/dag/tasks/0/arguments/artifacts").isEmpty())
                .isTrue();
        assertThat(pod.at("/inputs/artifacts/0/raw/data").asText()).contains("inputs.parameters['data-inline']");
        assertThat(wrapper.at("/inputs/parameters").findValuesAsText("name")).contains("data-inline");
        validate("retried-inline", yaml);
    }

    /** Exit codes 2 (usage) and 3 (bad input) of the launcher end a step's retries; a tool's exit codes do not. */
    @Test
    void aJavaStepIsNotRetriedWhenNoAttemptCanSucceed() throws Exception {
        Plan plan = Pipeline.named("retry-codes")
                .define(p -> {
                    var prep = p.step("prepare", new Prepare())
                            .with(Prepare.SOURCE, "s3://x")
                            .retries(3);
                    p.step("resize", new dev.fermion.compiler.fixtures.ToolSteps.Resize())
                            .with(dev.fermion.compiler.fixtures.ToolSteps.Resize.IMAGES, prep.out(Prepare.TRAIN))
                            .with(dev.fermion.compiler.fixtures.ToolSteps.Resize.MODE, "fast")
                            .retries(3);
                })
                .plan();
        JsonNode workflow = compiled(plan);
        String expression = HostileValuesTest.podTemplate(workflow, "prepare")
                .at("/retryStrategy/expression")
                .asText();
        assertThat(HostileValuesTest.podTemplate(workflow, "resize")
                        .at("/retryStrategy/expression")
                        .isMissingNode())
                .isTrue();

        try (ArgoEvaluator argo = ArgoEvaluator.start()) {
            for (var exit : Map.of("1", "true", "-1", "true", "137", "true", "2", "false", "3", "false")
                    .entrySet()) {
                // The controller evaluates the expression with the last attempt's exit code (-1 when it has none).
                ArgoEvaluator.Answer answer = argo.replace(
                        "{{=" + expression + "}}",
                        Map.of("lastRetry.exitCode", exit.getKey(), "lastRetry.status", "Failed"));
                assertThat(answer.result())
                        .as("retry after exit code %s", exit.getKey())
                        .isEqualTo(exit.getValue());
            }
        }
    }

    @Test
    void workflowOverTheSizeLimitIsRejectedWithAFix() {
        Plan plan = Pipeline.named("huge")
                .define(p -> p.step("echo", new Echo()).with(Echo.TEXT, "x".repeat(1_100_000)))
                .plan();
        assertThatThrownBy(() -> COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()))
                .isInstanceOf(WorkflowTooLargeException.class)
                .hasMessageContaining("'huge'")
                .hasMessageContaining("1,048,576")
                .hasMessageContaining("WorkflowTemplates")
                .hasMessageContaining("withParam")
                .satisfies(e ->
                        assertThat(((WorkflowTooLargeException) e).sizeBytes()).isGreaterThan(1_100_000));
    }

    @Test
    void sizeIsTheJsonArgoStores() {
        CompiledWorkflow compiled =
                COMPILER.compile(SamplePipelines.linearChain().plan(), WorkflowKind.WORKFLOW, Map.of());
        assertThat(compiled.sizeBytes()).isEqualTo(Yaml.jsonBytes(Yaml.read(compiled.yaml())));
    }

    @Test
    void overridesAreCheckedAndWrittenCanonically() {
        Plan plan = Pipeline.named("typed")
                .define(p -> {
                    var epochs = p.param("epochs", 10);
                    var stage = p.param("stage", Stage.STAGING);
                    var weights = p.param("weights", ValueType.listOf(Double.class), List.of(1.0));
                    var train = p.step("prepare", new Prepare()).with(Prepare.SOURCE, "x");
                    p.step("train", new Train())
                            .with(Train.DATA, train.out(Prepare.TRAIN))
                            .with(Train.EPOCHS, epochs);
                    p.step("note", new Echo()).with(Echo.TEXT, "stage").after(train);
                    p.forEach(
                            "each",
                            weights,
                            (body, w) -> body.step("score", new Score())
                                    .with(Score.SHARD, 1)
                                    .with(Score.WEIGHT, w));
                    p.when(
                            train.out(Prepare.ROWS).greaterThan(1),
                            b -> b.step("tell", new Notify()).with(Notify.MESSAGE, "ok"));
                    p.when(
                            stage.isEqualTo(Stage.PRODUCTION),
                            b -> b.step("tell-prod", new Notify()).with(Notify.MESSAGE, "prod"));
                })
                .plan();
        JsonNode params = Yaml.read(COMPILER.compile(
                                plan,
                                WorkflowKind.WORKFLOW,
                                Map.of("epochs", " 30", "stage", "PRODUCTION", "weights", "[0.5, 2]"))
                        .yaml())
                .at("/spec/arguments/parameters");
        assertThat(params.get(0).path("value").asText()).isEqualTo("30");
        assertThat(params.get(1).path("value").asText()).isEqualTo("PRODUCTION");
        assertThat(params.get(1).path("enum").toString()).isEqualTo("[\"STAGING\",\"PRODUCTION\"]");
        assertThat(params.get(2).path("value").asText()).isEqualTo("[0.5,2.0]");

        assertThatThrownBy(() -> COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of("epochs", "many")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'epochs'")
                .hasMessageContaining("Integer");
        assertThatThrownBy(() -> COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of("stage", "QA")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'stage'")
                .hasMessageContaining("Stage");
        assertThatThrownBy(() -> COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of("epoch", "3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epoch")
                .hasMessageContaining("epochs (Integer)");
    }

    @Test
    void requiredParametersNeedAValueExceptInTemplates() throws IOException {
        Plan plan = Pipeline.named("required")
                .define(p -> {
                    var source = p.param("source", String.class);
                    p.step("prepare", new Prepare()).with(Prepare.SOURCE, source);
                })
                .plan();
        assertThatThrownBy(() -> COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'source'")
                .hasMessageContaining("-p source=");
        String template =
                COMPILER.compile(plan, WorkflowKind.TEMPLATE, Map.of()).yaml();
        JsonNode parsed = Yaml.read(template);
        assertThat(parsed.at("/kind").asText()).isEqualTo("WorkflowTemplate");
        assertThat(parsed.at("/metadata/name").asText()).isEqualTo("required");
        assertThat(parsed.at("/spec/arguments/parameters/0/name").asText()).isEqualTo("source");
        assertThat(parsed.at("/spec/arguments/parameters/0").has("value")).isFalse();
        String workflow = COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of("source", "s3://b/k"))
                .yaml();
        validate("required-template", template);
        validate("required-workflow", workflow);
    }

    @Test
    void cronNeedsASchedule() {
        assertThatThrownBy(() -> COMPILER.compile(SamplePipelines.linearChain().plan(), WorkflowKind.CRON, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'linear-chain' has no schedule")
                .hasMessageContaining("Schedule.cron");
    }

    /** Compiled safely rather than refused, so a local run and the cluster agree; Argo's reading: HostileValuesTest. */
    @Test
    void conditionLiteralsWithQuotesAreQuotedInTheExpression() {
        Plan plan = Pipeline.named("quotes")
                .define(p -> {
                    var echo = p.step("echo", new Echo()).with(Echo.TEXT, "x");
                    p.when(
                            echo.out(Echo.TEXT_OUT).isEqualTo("it's"),
                            b -> b.step("n", new Notify()).with(Notify.MESSAGE, "m"));
                })
                .plan();

        String yaml = COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()).yaml();

        assertThat(yaml).contains("== 'it\\\\'s'}}");
    }

    @Test
    void aStepThatRequiresAGpuRunsOnTheGpuImageWithOne() {
        Plan plan = Pipeline.named("cuda")
                .define(p -> p.step("kernel", new dev.fermion.dsl.Fixtures.CudaOnly()))
                .plan();
        JsonNode container =
                HostileValuesTest.template(compiled(plan), "cudaonly").path("container");
        assertThat(container.path("image").asText())
                .isEqualTo(CompilerOptions.defaults().image(true));
        assertThat(container.at("/resources/limits/nvidia.com~1gpu").asText()).isEqualTo("1");
    }

    /** Refused when the pipeline is defined, so a local run never accepts what the compiler would refuse. */
    @Test
    void userTextKubernetesReadsMayNotHoldExpressions() {
        assertThatThrownBy(() -> compileEcho(s -> s.env("GREETING", "hi {{workflow.name}}")))
                .isInstanceOf(dev.fermion.dsl.PipelineDefinitionException.class)
                .hasMessageContaining("GREETING");
        assertThatThrownBy(() -> compileEcho(s -> s.annotation("note", "{{workflow.uid}}")))
                .isInstanceOf(dev.fermion.dsl.PipelineDefinitionException.class)
                .hasMessageContaining("annotation note");
        assertThatThrownBy(() -> compileEcho(s -> s.label("team", "ml platform")))
                .isInstanceOf(dev.fermion.dsl.PipelineDefinitionException.class)
                .hasMessageContaining("Label 'team'");
        assertThatThrownBy(() -> compileEcho(s -> s.retry(Retry.times(2).backoff(Duration.ofSeconds(1), 1.5, null))))
                .isInstanceOf(dev.fermion.dsl.PipelineDefinitionException.class)
                .hasMessageContaining("1.5");
    }

    /** Each container template's image, by template name. */
    private static Map<String, String> containerImages(JsonNode workflow) {
        Map<String, String> images = new java.util.TreeMap<>();
        for (String step : List.of("prepare", "train", "notify")) {
            images.put(
                    step,
                    HostileValuesTest.podTemplate(workflow, step)
                            .at("/container/image")
                            .asText());
        }
        return images;
    }

    @Test
    void imagesFollowTheOptions() {
        CompilerOptions options = CompilerOptions.defaults()
                .withRegistry("registry.local:5000/ml")
                .withTag("2.0")
                .withNamespace("ml")
                .withServiceAccount("runner")
                .withArtifactRepositoryRef("artifacts/minio");
        JsonNode workflow = Yaml.read(new ArgoCompiler(options)
                .compile(SamplePipelines.stepOptions().plan(), WorkflowKind.WORKFLOW, Map.of())
                .yaml());
        Map<String, String> images = containerImages(workflow);
        assertThat(images)
                .containsEntry("prepare", "registry.local:5000/ml/fermion-runtime:2.0")
                .containsEntry("train", "registry.local:5000/ml/fermion-runtime-gpu:2.0")
                .containsEntry("notify", "registry.example.com/custom:1.2");
        assertThat(workflow.at("/metadata/namespace").asText()).isEqualTo("ml");
        assertThat(workflow.at("/spec/serviceAccountName").asText()).isEqualTo("runner");
        assertThat(workflow.at("/spec/artifactRepositoryRef/configMap").asText())
                .isEqualTo("artifacts");
        assertThat(workflow.at("/spec/artifactRepositoryRef/key").asText()).isEqualTo("minio");
        assertThat(CompilerOptions.defaults().tag())
                .as("version from the filtered resource")
                .matches("[0-9]+\\.[0-9]+\\.[0-9]+[-.A-Za-z0-9]*");
    }

    /** A step that deploys a model server starts it from the runtime image the workflow was compiled for. */
    @Test
    void javaStepsKnowTheRuntimeImagesOfTheirWorkflow() {
        CompilerOptions options = CompilerOptions.defaults()
                .withRegistry("localhost/e2e")
                .withTag("7")
                .withImages(
                        ImageMap.parse(List.of("localhost/e2e/fermion-runtime-gpu:7=localhost/e2e/fermion-runtime:7")));
        JsonNode workflow = Yaml.read(new ArgoCompiler(options)
                .compile(SamplePipelines.stepOptions().plan(), WorkflowKind.WORKFLOW, Map.of())
                .yaml());
        for (String step : List.of("prepare", "train", "notify")) {
            Map<String, String> env = new java.util.TreeMap<>();
            HostileValuesTest.podTemplate(workflow, step)
                    .at("/container/env")
                    .forEach(e ->
                            env.put(e.path("name").asText(), e.path("value").asText()));
            assertThat(env)
                    .as(step)
                    .containsEntry("FERMION_RUNTIME_IMAGE", "localhost/e2e/fermion-runtime:7")
                    .containsEntry("FERMION_RUNTIME_GPU_IMAGE", "localhost/e2e/fermion-runtime:7");
        }
    }

    @Test
    void aUsersRuntimeImageAndImageMappingsReplaceTheImagesTheCompilerWrites() {
        CompilerOptions options = CompilerOptions.defaults()
                .withTag("2.0")
                .withImages(ImageMap.parse(List.of("registry.example.com/custom:1.2=mirror.local/custom:1.2")))
                .withRuntimeImage("localhost/orders:1.0.0");
        JsonNode workflow = Yaml.read(new ArgoCompiler(options)
                .compile(SamplePipelines.stepOptions().plan(), WorkflowKind.WORKFLOW, Map.of())
                .yaml());
        Map<String, String> images = containerImages(workflow);
        assertThat(images)
                .containsEntry("prepare", "localhost/orders:1.0.0")
                .containsEntry("train", "ghcr.io/fermion-ml/fermion-runtime-gpu:2.0")
                .containsEntry("notify", "mirror.local/custom:1.2");
        assertThatThrownBy(() -> options.withRuntimeImage("orders"))
                .hasMessageContaining("runtime image 'orders' must be [REGISTRY/]REPOSITORY:TAG");
    }

    @Test
    void stepsWithTheSameConfigurationShareATemplate() throws IOException {
        Plan plan = Pipeline.named("shared")
                .define(p -> {
                    p.step("a", new Echo()).with(Echo.TEXT, "1");
                    p.step("b", new Echo()).with(Echo.TEXT, "2");
                    p.step("c", new Echo()).with(Echo.TEXT, "3").memory("2Gi");
                    p.step("9lives", new Echo()).with(Echo.TEXT, "4");
                })
                .plan();
        String yaml = COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()).yaml();
        JsonNode tasks = Yaml.read(yaml).at("/spec/templates/0/dag/tasks");
        assertThat(tasks.get(0).path("template").asText()).isEqualTo("echo");
        assertThat(tasks.get(1).path("template").asText()).isEqualTo("echo");
        assertThat(tasks.get(2).path("template").asText()).isEqualTo("echo-2");
        assertThat(tasks.get(3).path("name").asText()).isEqualTo("t-9lives");
        assertThat(argument(tasks.get(3), ContainerTemplates.STEP_PARAM)).isEqualTo("9lives");
        validate("shared", yaml);
    }

    @Test
    void goDurations() {
        assertThat(GoDurations.of(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(GoDurations.of(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(GoDurations.of(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(GoDurations.of(Duration.ofDays(2))).isEqualTo("48h");
    }

    private static void compileEcho(java.util.function.Consumer<dev.fermion.dsl.Step<Echo>> configure) {
        Plan plan = Pipeline.named("configured")
                .define(p -> configure.accept(p.step("echo", new Echo()).with(Echo.TEXT, "x")))
                .plan();
        COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of());
    }

    private static JsonNode compiled(Plan plan) {
        return Yaml.read(COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()).yaml());
    }

    private static String argument(JsonNode task, String name) {
        for (JsonNode p : task.at("/arguments/parameters")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("value").asText();
            }
        }
        throw new AssertionError("task " + task.path("name").asText() + " has no argument " + name);
    }

    /** Every string of the workflow, as Argo reads it after YAML parsing, holds only the compiler's own tags. */
    static void assertOnlyOwnReferences(String yaml) {
        assertOnlyOwnReferences(Yaml.read(yaml));
    }

    private static void assertOnlyOwnReferences(JsonNode node) {
        if (node.isTextual()) {
            String text = node.asText();
            Matcher m = Pattern.compile("\\{\\{").matcher(text);
            while (m.find()) {
                assertThat(isOwnExpression(text, m.start())
                                || OWN_REFERENCE
                                        .matcher(text)
                                        .region(m.start(), text.length())
                                        .lookingAt())
                        .as("reference at %d of: %s", m.start(), text)
                        .isTrue();
            }
        }
        node.fieldNames().forEachRemaining(name -> assertThat(name).doesNotContain("{{"));
        node.elements().forEachRemaining(ArgoCompilerTest::assertOnlyOwnReferences);
    }

    /**
     * Whether an expression tag starts at {@code start}: string literals hold no braces (the compiler escapes them),
     * no other tag opens inside it, and it ends at the first }}. A scan rather than a regular expression, whose
     * backtracking would overflow the stack on the compiler's longer expressions.
     */
    private static boolean isOwnExpression(String text, int start) {
        if (!text.startsWith("{{=", start)) {
            return false;
        }
        int i = start + 3;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\'') {
                i++;
                while (i < text.length() && text.charAt(i) != '\'') {
                    char inside = text.charAt(i);
                    if (inside == '{' || inside == '}') {
                        return false;
                    }
                    i += inside == '\\' ? 2 : 1;
                }
                if (i >= text.length()) {
                    return false;
                }
            } else if (text.startsWith("}}", i)) {
                return true;
            } else if (text.startsWith("{{", i)) {
                return false;
            }
            i++;
        }
        return false;
    }

    private static void validate(String name, String yaml) throws IOException {
        Files.writeString(compiledDir.resolve(name + ".yaml"), yaml);
    }
}
