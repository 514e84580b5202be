package dev.fermion.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fermion.compiler.fixtures.Components.Echo;
import dev.fermion.compiler.fixtures.Components.Ingest;
import dev.fermion.compiler.fixtures.Components.Notify;
import dev.fermion.compiler.fixtures.Components.Prepare;
import dev.fermion.compiler.fixtures.Components.Score;
import dev.fermion.compiler.fixtures.ToolSteps;
import dev.fermion.contract.CacheKey;
import dev.fermion.contract.CodeDigest;
import dev.fermion.contract.ValueCodec;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.ContainerCommand;
import dev.fermion.dsl.ContainerComponent;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.Placeholders;
import dev.fermion.dsl.StepContext;
import dev.fermion.dsl.Value;
import dev.fermion.types.InlineFile;
import dev.fermion.types.ValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values an attacker or a careless user can choose, run through Argo's own substitution and {@code when}
 * evaluation ({@link ArgoEvaluator}): whatever a parameter, a step output, a loop item or a tool's output
 * holds, a condition tests exactly what was written, a step receives exactly that value, and a memoize key is
 * the local runner's key. Every workflow compiled here, hostile literals included, passes
 * {@code argo-validate --warnings-as-errors}.
 */
class HostileValuesTest {
    /** Each would rewrite a condition, open a reference, or decode to something else if pasted as text. */
    static final List<String> HOSTILE = List.of(
            "prod",
            "x' == 'x' || 'a",
            "prod' || '1' == '1",
            "x\" == \"x\" || \"a",
            "') || ('a' == 'a",
            "{{workflow.name}}",
            "}} || true || {{",
            "fermion:b64:cHJvZA==",
            "fermion:b64:!!!",
            "prod\n",
            "PROD",
            "",
            "\\",
            "true",
            "'prod'",
            "prod\\",
            "a}}",
            "{{=true}}",
            "line\nbreak\\n");

    private static final ArgoCompiler COMPILER = new ArgoCompiler(CompilerOptions.defaults());
    /** Every workflow the tests compiled, validated together once they ran: argo-validate starts a JVM. */
    private static final List<String> COMPILED = java.util.Collections.synchronizedList(new ArrayList<>());

    private static ArgoEvaluator argo;

    @BeforeAll
    static void startArgo() {
        argo = ArgoEvaluator.start();
    }

    @AfterAll
    static void stopArgo() throws Exception {
        if (argo != null) {
            argo.close();
        }
    }

    /** Argo accepts every hostile workflow as it is, warnings included, whatever values it was written with. */
    @AfterAll
    static void everyCompiledWorkflowPassesArgoValidation(@TempDir Path dir) throws IOException {
        if (COMPILED.isEmpty()) {
            return;
        }
        List<Path> files = new ArrayList<>();
        for (String yaml : COMPILED) {
            Path file = dir.resolve("hostile-" + files.size() + ".yaml");
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            files.add(file);
        }
        ArgoValidator.assertValid(files);
    }

    /** Writes a list of strings it was given; a tool whose output is raw text. */
    public static final class Shout extends ContainerComponent {
        public static final Input<String> WORD = input("word", String.class);
        public static final Output<String> LOUD = output("loud", String.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.image("alpine:3.20")
                    .command("sh", "-c", "echo \"$0\" > \"$1\"")
                    .arg(p.value(WORD))
                    .arg(p.outputPath(LOUD));
        }
    }

    @Test
    void aConditionOnAParameterTestsTheValueAsGiven() {
        JsonNode workflow = compile(Pipeline.named("on-param").define(p -> {
            var env = p.param("env", "dev");
            p.when(env.isEqualTo("prod"), b -> b.step("deploy", new Notify()).with(Notify.MESSAGE, "go"));
        }));
        String when = task(workflow, "main", "deploy").path("when").asText();

        for (String value : HOSTILE) {
            // Fermion writes parameter values in transport form, at compile and at submit time.
            assertHolds(when, Map.of("workflow.parameters.env", ValueCodec.armour(value)), value.equals("prod"), value);
        }
    }

    @Test
    void aConditionOnAStepOutputTestsTheValueAsProduced() {
        JsonNode workflow = compile(Pipeline.named("on-output").define(p -> {
            var echo = p.step("echo", new Echo()).with(Echo.TEXT, "x");
            p.when(
                    echo.out(Echo.TEXT_OUT)
                            .isEqualTo("prod")
                            .or(echo.out(Echo.LONG).isTrue()),
                    b -> b.step("deploy", new Notify()).with(Notify.MESSAGE, "go"));
        }));
        String when = task(workflow, "main", "deploy").path("when").asText();

        for (String value : HOSTILE) {
            // The launcher writes outputs in transport form.
            Map<String, String> outputs = Map.of(
                    "tasks.echo.outputs.parameters.text",
                    ValueCodec.armour(value),
                    "tasks.echo.outputs.parameters.long",
                    ValueCodec.armour(value));
            boolean expected = value.equals("prod") || value.strip().equalsIgnoreCase("true");
            assertHolds(when, outputs, expected, value);
        }
    }

    @Test
    void aConditionOnALoopItemTestsTheItemAsListed() {
        JsonNode workflow = compile(Pipeline.named("on-item").define(p -> {
            p.forEach(
                    "each",
                    HOSTILE,
                    (body, item) -> body.when(
                            item.isEqualTo("prod"),
                            b -> b.step("deploy", new Notify()).with(Notify.MESSAGE, item)));
        }));
        JsonNode loop = task(workflow, "main", "each");
        String when = task(workflow, "each", "deploy").path("when").asText();
        String itemInput = loop.at("/arguments/parameters/0/name").asText();

        List<String> items = new ArrayList<>();
        loop.path("withItems").forEach(i -> items.add(i.asText()));
        assertThat(items).hasSize(HOSTILE.size());
        for (int i = 0; i < items.size(); i++) {
            // {{item}} is the listed text; the loop passes it to the body as an input.
            assertHolds(
                    when,
                    Map.of("inputs.parameters." + itemInput, items.get(i)),
                    HOSTILE.get(i).equals("prod"),
                    HOSTILE.get(i));
            assertThat(ValueCodec.disarm(items.get(i))).isEqualTo(HOSTILE.get(i));
        }
    }

    @Test
    void aConditionOnAToolsOutputTestsTheTextTheToolWrote() {
        JsonNode workflow = compile(Pipeline.named("on-tool").define(p -> {
            var shout = p.step("shout", new Shout()).with(Shout.WORD, "x");
            p.when(
                    shout.out(Shout.LOUD).isEqualTo("prod"),
                    b -> b.step("deploy", new Notify()).with(Notify.MESSAGE, "go"));
        }));
        String when = task(workflow, "main", "deploy").path("when").asText();

        for (String value : HOSTILE) {
            assertHolds(when, Map.of("tasks.shout.outputs.parameters.loud", value), value.equals("prod"), value);
        }
    }

    @Test
    void conditionLiteralsAreComparedAsWritten() {
        for (String literal : HOSTILE) {
            JsonNode workflow = compile(Pipeline.named("literal").define(p -> {
                var env = p.param("env", "dev");
                p.when(
                        env.isEqualTo(literal),
                        b -> b.step("deploy", new Notify()).with(Notify.MESSAGE, "go"));
            }));
            String when = task(workflow, "main", "deploy").path("when").asText();
            for (String value : List.of(literal, "prod", "x")) {
                assertHolds(
                        when,
                        Map.of("workflow.parameters.env", ValueCodec.armour(value)),
                        value.equals(literal),
                        literal + " against " + value);
            }
        }
    }

    @Test
    void aJavaStepReceivesEveryValueExactlyAsGiven() {
        JsonNode workflow = compile(Pipeline.named("exact").define(p -> {
            var label = p.param("label", "species");
            var shout = p.step("shout", new Shout()).with(Shout.WORD, "x");
            p.step("from-param", new Echo()).with(Echo.TEXT, label);
            p.step("from-tool", new Echo()).with(Echo.TEXT, shout.out(Shout.LOUD));
        }));
        String fromParam = argument(task(workflow, "main", "from-param"), "text");
        String fromTool = argument(task(workflow, "main", "from-tool"), "text");

        for (String value : HOSTILE) {
            String passed = replace(fromParam, Map.of("workflow.parameters.label", ValueCodec.armour(value)));
            assertThat(ValueCodec.disarm(passed))
                    .as("from a parameter: %s", value)
                    .isEqualTo(value);
            String armoured = replace(fromTool, Map.of("tasks.shout.outputs.parameters.loud", value));
            assertThat(armoured).as("armoured on its way: %s", value).doesNotContain("{{");
            assertThat(ValueCodec.disarm(armoured)).as("from a tool: %s", value).isEqualTo(value);
        }
    }

    @Test
    void aToolReceivesEveryValueAsWrittenInOneArgument() {
        JsonNode workflow = compile(Pipeline.named("tool-args")
                .define(p -> p.step("shout", new Shout()).with(Shout.WORD, p.param("word", "hi"))));
        JsonNode template = template(
                workflow, task(workflow, "main", "shout").path("template").asText());
        String argument = template.at("/container/args/0").asText();

        for (String value : HOSTILE) {
            assertThat(replace(argument, Map.of("inputs.parameters.word", ValueCodec.armour(value))))
                    .as(value)
                    .isEqualTo(value);
        }
    }

    @Test
    void itemsOfARunTimeListReachTheBodyExactly() {
        JsonNode workflow = compile(Pipeline.named("run-time-list").define(p -> {
            var words = p.param("words", ValueType.listOf(ValueType.of(String.class)), List.of("a"), null);
            p.forEach(
                    "each", words, (body, item) -> body.step("echo", new Echo()).with(Echo.TEXT, item));
        }));
        String withParam = task(workflow, "main", "each").path("withParam").asText();

        String list = ValueCodec.encode(ValueType.listOf(ValueType.of(String.class)), HOSTILE);
        String items = replace(withParam, Map.of("workflow.parameters.words", ValueCodec.armour(list)));

        List<String> received = new ArrayList<>();
        Yaml.read(items).forEach(i -> received.add(ValueCodec.disarm(i.asText())));
        assertThat(received).isEqualTo(HOSTILE);
        assertThat(items).doesNotContain("{{");
    }

    /** Takes the fan-in of a loop. */
    public static final class Gather extends Component {
        public static final Input<List<String>> TEXTS = input("texts", ValueType.listOf(String.class));
        public static final Input<List<Double>> NUMBERS = input("numbers", ValueType.listOf(Double.class));

        @Override
        protected void run(StepContext ctx) {}
    }

    @Test
    void aFanInReachesTheNextStepExactlyWhateverTheValues() {
        JsonNode workflow = compile(Pipeline.named("fan-in").define(p -> {
            var loop = p.forEach(
                    "each",
                    List.of(1, 2),
                    (body, item) -> body.step("echo", new Echo()).with(Echo.TEXT, "x"));
            var scores = p.forEach(
                    "scores",
                    List.of(1, 2),
                    (body, item) -> body.step("score", new Score()).with(Score.SHARD, item));
            p.step("gather", new Gather())
                    .with(Gather.TEXTS, loop.collect(Echo.TEXT_OUT))
                    .with(Gather.NUMBERS, scores.collect(Score.SCORE));
        }));
        String texts = argument(task(workflow, "main", "gather"), "texts");
        String numbers = argument(task(workflow, "main", "gather"), "numbers");
        String echoOutput = output(template(workflow, "each"), "echo__text");
        String scoreOutput = output(template(workflow, "scores"), "score__score");

        List<List<String>> cases = List.of(HOSTILE, List.of("{\"a\": 1}", "[1]"), List.of("[\"x\"]"), List.of("null"));
        for (List<String> values : cases) {
            // Each iteration exports its step's output (in transport form, as the launcher writes it), and Argo
            // aggregates what the iterations exported.
            List<String> exported = new ArrayList<>();
            for (String value : values) {
                exported.add(
                        evaluate(echoOutput, Map.of("tasks.echo.outputs.parameters.text", ValueCodec.armour(value))));
            }
            String passed =
                    replace(texts, Map.of("tasks.each.outputs.parameters.echo__text", ArgoAggregation.of(exported)));
            assertThat(passed).as("in transport form").doesNotContain("{{");
            assertThat(ValueCodec.decode(ValueType.listOf(String.class), ValueCodec.disarm(passed)))
                    .as(exported.toString())
                    .isEqualTo(values);
        }
        List<String> scores = new ArrayList<>();
        for (String score : List.of("0.5", "-1.0E-7", "3.0")) {
            scores.add(evaluate(scoreOutput, Map.of("tasks.score.outputs.parameters.score", score)));
        }
        String passed =
                replace(numbers, Map.of("tasks.scores.outputs.parameters.score__score", ArgoAggregation.of(scores)));
        assertThat(passed).isEqualTo("[0.5,-1.0E-7,3.0]");
    }

    @Test
    void aSkippedStepsOutputIsReadAfterItsBranchAsTheValueOrTheFallback() {
        for (String fallback : List.of("none", "x' || 'a", "{{workflow.name}}", "fermion:b64:!!!")) {
            JsonNode workflow = compile(Pipeline.named("or-else").define(p -> {
                var gate = p.param("gate", true);
                var echo = p.when(gate.isTrue(), b -> b.step("echo", new Echo()).with(Echo.TEXT, "x"))
                        .then();
                p.step("use", new Echo())
                        .with(Echo.TEXT, echo.out(Echo.TEXT_OUT).orElse(fallback));
            }));
            String passed = argument(task(workflow, "main", "use"), "text");
            for (String value : HOSTILE) {
                String ran = replace(
                        passed,
                        Map.of(
                                "tasks.echo.status",
                                "Succeeded",
                                "tasks.echo.outputs.parameters.text",
                                ValueCodec.armour(value)));
                assertThat(ValueCodec.disarm(ran)).as("ran: %s", value).isEqualTo(value);
            }
            // Argo gives a skipped dependency's outputs as empty strings.
            String skipped =
                    replace(passed, Map.of("tasks.echo.status", "Skipped", "tasks.echo.outputs.parameters.text", ""));
            assertThat(skipped).as("in transport form").doesNotContain("{{");
            assertThat(ValueCodec.disarm(skipped))
                    .as("skipped, falling back to %s", fallback)
                    .isEqualTo(fallback);
        }
    }

    @Test
    void anImageFromAParameterIsTheValueAsGiven() {
        JsonNode workflow = compile(dev.fermion.compiler.fixtures.SamplePipelines.lifecycle());
        String javaImage = template(
                        workflow,
                        task(workflow, "main", "prepare").path("template").asText())
                .at("/container/image")
                .asText();
        String toolImage = template(
                        workflow,
                        task(workflow, "main", "resize").path("template").asText())
                .at("/container/image")
                .asText();
        assertThat(argument(task(workflow, "main", "prepare"), "fermion-image"))
                .isEqualTo("{{workflow.parameters.image}}");
        for (String value : HOSTILE) {
            Map<String, String> scope = Map.of("inputs.parameters.fermion-image", ValueCodec.armour(value));
            assertThat(replace(javaImage, scope)).as(value).isEqualTo(value);
            assertThat(replace(toolImage, scope)).as(value).isEqualTo(value);
        }
        JsonNode spec = workflow.path("spec");
        assertThat(spec.path("activeDeadlineSeconds").asLong()).isEqualTo(6 * 3600);
        assertThat(spec.at("/ttlStrategy/secondsAfterCompletion").asLong()).isEqualTo(86400);
        assertThat(spec.at("/ttlStrategy/secondsAfterFailure").asLong()).isEqualTo(7 * 86400);
        assertThat(spec.at("/ttlStrategy/secondsAfterSuccess").isMissingNode()).isTrue();
        assertThat(spec.at("/podGC/strategy").asText()).isEqualTo("OnPodSuccess");
    }

    /** A loop item of the fields test. */
    public record Trial(String name, double rate, List<String> tags) {}

    @Test
    void theFieldsOfLoopItemsReachTheBodyExactly() {
        List<Trial> trials = new ArrayList<>();
        for (String value : HOSTILE) {
            trials.add(new Trial(value, 0.5, List.of(value, "x")));
        }
        trials.add(new Trial("whole", 1.0, List.of()));
        ValueType<Trial> type = ValueType.of(Trial.class);
        JsonNode workflow = compile(Pipeline.named("fields").define(p -> {
            var listed = p.param("trials", ValueType.listOf(type), List.of(trials.get(0)), null);
            p.forEach(
                    "each",
                    type,
                    trials,
                    (body, trial) -> body.when(
                                    trial.get(Trial::name).isEqualTo("prod"),
                                    b -> b.step("echo", new Echo()).with(Echo.TEXT, trial.get(Trial::name)))
                            .then()
                            .after(body.step("score", new Gather())
                                    .with(Gather.NUMBERS, Value.listOf(trial.get(Trial::rate)))
                                    .with(Gather.TEXTS, trial.get(Trial::tags))));
            p.forEach(
                    "run-time",
                    listed,
                    (body, trial) -> body.step("echo-name", new Echo()).with(Echo.TEXT, trial.get(Trial::name)));
        }));
        JsonNode loop = task(workflow, "main", "each");
        String item = loop.at("/arguments/parameters/0/name").asText();
        String name = argument(task(workflow, "each", "echo"), "text");
        String when = task(workflow, "each", "echo").path("when").asText();
        String rates = argument(task(workflow, "each", "score"), "numbers");
        String tags = argument(task(workflow, "each", "score"), "texts");
        for (int i = 0; i < trials.size(); i++) {
            Map<String, String> scope = Map.of(
                    "inputs.parameters." + item, loop.path("withItems").get(i).asText());
            Trial trial = trials.get(i);
            assertThat(ValueCodec.disarm(replace(name, scope))).isEqualTo(trial.name());
            assertHolds(when, scope, trial.name().equals("prod"), trial.name());
            assertThat(ValueCodec.decode(ValueType.listOf(Double.class), replace(rates, scope)))
                    .containsExactly(trial.rate());
            assertThat(ValueCodec.decode(ValueType.listOf(String.class), ValueCodec.disarm(replace(tags, scope))))
                    .isEqualTo(trial.tags());
        }

        // A run-time list: withParam's items, each as {{item}} gives it to the body.
        String items = replace(
                task(workflow, "main", "run-time").path("withParam").asText(),
                Map.of(
                        "workflow.parameters.trials",
                        ValueCodec.armour(ValueCodec.encode(ValueType.listOf(type), trials))));
        String runTimeName = argument(task(workflow, "run-time", "echo-name"), "text");
        String runTimeItem = task(workflow, "main", "run-time")
                .at("/arguments/parameters/0/name")
                .asText();
        List<String> received = new ArrayList<>();
        Yaml.read(items)
                .forEach(i -> received.add(ValueCodec.disarm(
                        replace(runTimeName, Map.of("inputs.parameters." + runTimeItem, i.asText())))));
        assertThat(received).isEqualTo(trials.stream().map(Trial::name).toList());
    }

    /** Takes a map and nested lists. */
    public static final class Shapes extends Component {
        public static final Input<Map<String, String>> NAMED = input("named", ValueType.mapOf(String.class));
        public static final Input<List<List<String>>> NESTED =
                input("nested", ValueType.listOf(ValueType.listOf(String.class)));

        @Override
        protected void run(StepContext ctx) {}
    }

    @Test
    void listsMapsAndStringsBuiltFromValuesHoldTheValuesExactly() {
        JsonNode workflow = compile(Pipeline.named("built").define(p -> {
            var a = p.param("a", "x");
            var echo = p.step("echo", new Echo()).with(Echo.TEXT, "y");
            var b = echo.out(Echo.TEXT_OUT);
            p.forEach(
                    "each",
                    Value.listOf(a, b, Value.of("c' || 'd")),
                    (body, item) -> body.step("use", new Echo()).with(Echo.TEXT, item));
            p.step("format", new Echo()).with(Echo.TEXT, Value.format("%s and %s: 100%% {{", a, b));
            p.step("shapes", new Shapes())
                    .with(Shapes.NAMED, Value.mapOf(Map.of("a", a, "b}}", b)))
                    .with(Shapes.NESTED, Value.listOf(Value.listOf(a, b), Value.listOf(Value.of("{{c}}"))));
        }));
        String withParam = task(workflow, "main", "each").path("withParam").asText();
        String formatted = argument(task(workflow, "main", "format"), "text");
        String named = argument(task(workflow, "main", "shapes"), "named");
        String nested = argument(task(workflow, "main", "shapes"), "nested");
        for (String value : HOSTILE) {
            Map<String, String> scope = Map.of(
                    "workflow.parameters.a",
                    ValueCodec.armour(value),
                    "tasks.echo.outputs.parameters.text",
                    ValueCodec.armour(value + "!"));
            List<String> items = new ArrayList<>();
            Yaml.read(replace(withParam, scope)).forEach(i -> items.add(ValueCodec.disarm(i.asText())));
            assertThat(items).as(value).containsExactly(value, value + "!", "c' || 'd");
            assertThat(ValueCodec.disarm(replace(formatted, scope)))
                    .as(value)
                    .isEqualTo(value + " and " + value + "!: 100% {{");
            assertThat(ValueCodec.decode(ValueType.mapOf(String.class), ValueCodec.disarm(replace(named, scope))))
                    .as(value)
                    .isEqualTo(Map.of("a", value, "b}}", value + "!"));
            assertThat(ValueCodec.decode(
                            ValueType.listOf(ValueType.listOf(String.class)),
                            ValueCodec.disarm(replace(nested, scope))))
                    .as(value)
                    .isEqualTo(List.of(List.of(value, value + "!"), List.of("{{c}}")));
        }
    }

    /**
     * A constant file reaches the step's pod as written, whatever it holds: Argo substitutes the template's raw
     * data with the globals first (the expression waits for the template's inputs), then with its inputs.
     */
    @Test
    void aConstantFileHoldsExactlyItsContent() {
        for (String content : HOSTILE) {
            JsonNode workflow = compile(Pipeline.named("inline")
                    .define(p -> p.step("prepare", new Ingest())
                            .with(Ingest.PATH, "s3://x")
                            .with(Ingest.SCHEMA, InlineFile.of("schema.json", content))));
            JsonNode task = task(workflow, "main", "prepare");
            String base64 = argument(task, "schema-inline");
            JsonNode template = template(workflow, task.path("template").asText());
            JsonNode artifact = template.at("/inputs/artifacts/0");
            assertThat(artifact.path("path").asText()).isEqualTo("/fermion/inputs/schema/schema.json");
            String data = artifact.at("/raw/data").asText();

            String afterGlobals = replace(data, Map.of("workflow.name", "wf", "workflow.parameters.x", "y"));
            assertThat(afterGlobals).as("before the inputs").isEqualTo(data);
            assertThat(replace(data, Map.of("workflow.name", "wf", "inputs.parameters.schema-inline", base64)))
                    .as(content)
                    .isEqualTo(content);
            assertThat(argument(task, "schema-digest"))
                    .isEqualTo(InlineFile.of("schema.json", content).digest());
        }
    }

    /** Argo resolves a DAG output's {@code parameter} without expression functions, so a tool's output leaves as an expression. */
    @Test
    void aSubPipelineExportsAToolsOutputInTransportForm() {
        JsonNode workflow = compile(ToolStepsSample.recursion());
        String expression = output(template(workflow, "trainrounds"), "rounds");
        for (String value : HOSTILE) {
            String exported = evaluate(expression, Map.of("tasks.check.outputs.parameters.next", value));
            assertThat(ValueCodec.disarm(exported)).as(value).isEqualTo(value);
        }
    }

    @Test
    void aFanInOfABranchGivesEveryIterationTheValueOrTheFallback() {
        JsonNode workflow = compile(dev.fermion.compiler.fixtures.SamplePipelines.conditionalFanIn());
        JsonNode body = template(workflow, "shards");
        JsonNode exported = body.path("outputs").path("parameters").get(0);
        String expression = exported.path("valueFrom").path("expression").asText();

        String tuned = evaluate(
                expression,
                Map.of(
                        "tasks.score.status",
                        "Succeeded",
                        "tasks.score.outputs.parameters.score",
                        "1.0",
                        "tasks.tune.status",
                        "Succeeded",
                        "tasks.tune.outputs.parameters.score",
                        "4.0"));
        String untuned = evaluate(
                expression,
                Map.of(
                        "tasks.score.status",
                        "Succeeded",
                        "tasks.score.outputs.parameters.score",
                        "1.0",
                        "tasks.tune.status",
                        "Skipped"));
        String scores = argument(task(workflow, "main", "best"), "scores");
        String passed = replace(
                scores,
                Map.of(
                        "tasks.shards.outputs.parameters."
                                + exported.path("name").asText(),
                        ArgoAggregation.of(List.of(untuned, tuned, untuned))));
        assertThat(ValueCodec.decode(ValueType.listOf(Double.class), passed)).containsExactly(1.0, 4.0, 1.0);
    }

    private String evaluate(String expression, Map<String, String> scope) {
        ArgoEvaluator.Answer answer = argo.output(expression, scope);
        assertThat(answer.error()).as("Argo's evaluation of %s", expression).isNull();
        return answer.result();
    }

    private static String output(JsonNode template, String name) {
        for (JsonNode p : template.path("outputs").path("parameters")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("valueFrom").path("expression").asText();
            }
        }
        throw new AssertionError("no output " + name + " in " + template);
    }

    @Test
    void theMemoizeKeyIsTheLocalCacheKeyWhateverTheValues() {
        JsonNode workflow = compile(Pipeline.named("keys")
                .define(p -> p.step("prepare", new Prepare()).with(Prepare.SOURCE, p.param("source", "s3://data"))));
        String key = template(workflow, "prepare").at("/memoize/key").asText();

        for (String value : HOSTILE) {
            String evaluated = replace(key, Map.of("inputs.parameters.source", ValueCodec.armour(value)));
            assertThat(evaluated)
                    .as(value)
                    .isEqualTo(CacheKey.compute(
                            Prepare.class.getName(),
                            "1",
                            CodeDigest.of(Prepare.class),
                            Map.of("source", value),
                            Map.of()));
        }
    }

    @Test
    void theMemoizeKeyOfAStepThatReadsSourcesCoversTheirDigestAsTheLocalKeyDoes() {
        JsonNode workflow = compile(dev.fermion.compiler.fixtures.SamplePipelines.sourceDigest());
        String key = template(workflow, "ingest").at("/memoize/key").asText();

        for (String source : List.of("sha256:0f1e", "", "a\\b\nc")) {
            String evaluated = replace(
                    key,
                    Map.of(
                            "inputs.parameters.path",
                            "s3://x/*.csv",
                            "inputs.parameters.schema-digest",
                            "sha256:5c",
                            "inputs.parameters." + ContainerTemplates.SOURCE_PARAM,
                            source));
            assertThat(evaluated)
                    .as("source digest [%s]", source)
                    .isEqualTo(CacheKey.compute(
                            dev.fermion.compiler.fixtures.Components.Ingest.class.getName(),
                            "1",
                            CodeDigest.of(dev.fermion.compiler.fixtures.Components.Ingest.class),
                            Map.of("path", "s3://x/*.csv"),
                            Map.of("schema", "sha256:5c"),
                            source.isEmpty() ? null : source));
        }
    }

    @Test
    void aRecursionStopsAtItsDepthWhateverItsConditionReads() {
        JsonNode workflow = compile(ToolStepsSample.recursion());
        JsonNode tasks = template(workflow, "trainrounds").path("dag").path("tasks");
        String again = null;
        String exceeded = null;
        for (JsonNode t : tasks) {
            if (t.path("name").asText().equals("again")) {
                again = t.path("when").asText();
            } else if (t.path("name").asText().equals("again--depth-exceeded")) {
                exceeded = t.path("when").asText();
            }
        }
        for (String check : List.of("true", "false", "x' || 'a")) {
            for (int depth : List.of(1, 4, 5, 6)) {
                Map<String, String> scope = Map.of(
                        "tasks.check.outputs.parameters.again",
                        check,
                        "inputs.parameters." + SubPipelineTasks.DEPTH,
                        Integer.toString(depth));
                boolean recurse = check.equals("true");
                assertHolds(again, scope, recurse && depth < 5, check + " at depth " + depth);
                assertHolds(exceeded, scope, recurse && depth >= 5, check + " at depth " + depth);
            }
        }
    }

    private void assertHolds(String when, Map<String, String> scope, boolean expected, String value) {
        ArgoEvaluator.Answer answer = argo.when(when, scope);
        assertThat(answer.error())
                .as("Argo's reading of %s with %s", when, value)
                .isNull();
        assertThat(answer.holds())
                .as("%s with value [%s] (Argo made it %s)", when, value, answer.result())
                .isEqualTo(expected);
    }

    private String replace(String text, Map<String, String> scope) {
        ArgoEvaluator.Answer answer = argo.replace(text, scope);
        assertThat(answer.error()).as("Argo's substitution of %s", text).isNull();
        return answer.result();
    }

    private static JsonNode compile(Pipeline pipeline) {
        String yaml = COMPILER.compile(pipeline.plan(), WorkflowKind.WORKFLOW, Map.of())
                .yaml();
        ArgoCompilerTest.assertOnlyOwnReferences(yaml);
        COMPILED.add(yaml);
        return Yaml.read(yaml);
    }

    static JsonNode template(JsonNode workflow, String name) {
        for (JsonNode t : workflow.path("spec").path("templates")) {
            if (t.path("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no template " + name);
    }

    /**
     * The template that runs the pod of template {@code name}: itself, or for a cached and retried step the
     * retried template that its memoized wrapper calls.
     */
    static JsonNode podTemplate(JsonNode workflow, String name) {
        JsonNode t = template(workflow, name);
        JsonNode tasks = t.path("dag").path("tasks");
        if (t.has("memoize")
                && tasks.size() == 1
                && tasks.get(0).path("name").asText().equals(ComponentTemplates.RETRIED_TASK)) {
            return template(workflow, tasks.get(0).path("template").asText());
        }
        return t;
    }

    private static JsonNode task(JsonNode workflow, String template, String name) {
        for (JsonNode t : template(workflow, template).path("dag").path("tasks")) {
            if (t.path("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no task " + name + " in " + template);
    }

    private static String argument(JsonNode task, String name) {
        Map<String, String> args = new HashMap<>();
        task.path("arguments")
                .path("parameters")
                .forEach(p -> args.put(p.path("name").asText(), p.path("value").asText()));
        assertThat(args).containsKey(name);
        return args.get(name);
    }

    /** The recursive sample of the fixtures, whose condition reads a tool's output. */
    private static final class ToolStepsSample {
        static Pipeline recursion() {
            return Pipeline.named("rounds").define(p -> {
                var prep = p.step("prepare", new Prepare()).with(Prepare.SOURCE, "s3://x");
                p.step("rounds", new ToolSteps.TrainRounds()).with(ToolSteps.TrainRounds.DATA, prep.out(Prepare.TRAIN));
            });
        }
    }
}
