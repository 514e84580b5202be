package dev.fermion.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.dsl.Fixtures.Echo;
import dev.fermion.dsl.Fixtures.Noop;
import dev.fermion.dsl.Fixtures.Pick;
import dev.fermion.dsl.Fixtures.ReadsFile;
import dev.fermion.dsl.Fixtures.Relay;
import dev.fermion.dsl.Fixtures.Source;
import dev.fermion.dsl.Fixtures.Train;
import dev.fermion.plan.CachePolicy;
import dev.fermion.plan.Cond;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.plan.Retry;
import dev.fermion.plan.StepOptions;
import dev.fermion.plan.VolumeMount;
import dev.fermion.types.Dataset;
import dev.fermion.types.ValueType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What a valid definition turns into: the graph, its dependencies, conditions and effective options. */
class PlanTest {
    private static final ValueType<String> STRING = ValueType.of(String.class);
    private static final ValueType<Double> DOUBLE = ValueType.of(Double.class);
    private static final ValueType<Boolean> BOOLEAN = ValueType.of(Boolean.class);

    private static Plan plan(Consumer<Dag> body) {
        return Pipeline.named("demo").define(body).plan();
    }

    private static Node node(Graph graph, String name) {
        return graph.node(name).orElseThrow(() -> new AssertionError("no node " + name + " in " + graph.name()));
    }

    private static Node.StepNode step(Graph graph, String name) {
        return (Node.StepNode) node(graph, name);
    }

    private static Cond flagIsTrue(String step) {
        return new Cond.IsTrue(new Expr.StepOutput(step, "flag", BOOLEAN));
    }

    @Test
    void stepsAndLoopsRunAfterNodesOfTheirOwnPipelineOnly() {
        dev.fermion.dsl.Node[] foreign = new dev.fermion.dsl.Node[1];
        Pipeline.named("other").define(p -> foreign[0] = p.step("source", new Source()));
        assertThatThrownBy(() -> plan(p -> {
                    p.step("source", new Source());
                    p.forEach(
                                    "loop",
                                    List.of(1, 2),
                                    (b, i) -> b.step("echo", new Echo()).with(Echo.TEXT, "x"))
                            .after(foreign[0]);
                }))
                .isInstanceOf(PipelineDefinitionException.class)
                .hasMessage("pipeline 'demo', step 'loop': after(source): that step is not part of this pipeline");
        assertThatThrownBy(() -> plan(p -> {
                    p.step("source", new Source());
                    p.step("echo", new Echo()).with(Echo.TEXT, "x").after(foreign[0]);
                }))
                .hasMessage("pipeline 'demo', step 'echo': after(source): that step is not part of this pipeline");
        assertThatThrownBy(() -> plan(p -> {
                    var loop = p.forEach(
                            "loop",
                            List.of(1, 2),
                            (b, i) -> b.step("echo", new Echo()).with(Echo.TEXT, "x"));
                    loop.after(loop);
                }))
                .hasMessage("pipeline 'demo', step 'loop': a loop cannot run after itself");
    }

    @Test
    void dependenciesAreInferredFromData() {
        Plan plan = plan(p -> {
            var source = p.step("source", new Source());
            var train = p.step("train", new Train())
                    .with(Train.DATA, source.out(Source.DATA))
                    .with(Train.EPOCHS, 3);
            p.step("echo", new Echo()).with(Echo.TEXT, source.out(Source.TEXT));
            p.step("after-train", new Pick())
                    .with(Pick.SCORES, p.param("scores", ValueType.listOf(Double.class), List.of(1.0)))
                    .after(train);
        });
        assertThat(node(plan.graph(), "source").dependencies()).isEmpty();
        assertThat(node(plan.graph(), "train").dependencies()).containsExactly("source");
        assertThat(node(plan.graph(), "echo").dependencies()).containsExactly("source");
        assertThat(node(plan.graph(), "after-train").dependencies()).containsExactly("train");
        assertThat(step(plan.graph(), "train").bindings())
                .containsEntry("data", new Expr.StepOutput("source", "data", ValueType.of(Dataset.class)))
                .containsEntry("epochs", new Expr.Literal(ValueType.of(Integer.class), 3));
    }

    @Test
    void resultsAreTheDeclaredValuesInOrder() {
        Plan plan = plan(p -> {
            var source = p.step("source", new Source());
            var train = p.step("train", new Train())
                    .with(Train.DATA, source.out(Source.DATA))
                    .with(Train.EPOCHS, 3);
            p.result("accuracy", train.out(Train.ACCURACY));
            p.result("text", source.out(Source.TEXT));
        });

        assertThat(plan.results()).extracting(dev.fermion.plan.ResultSpec::name).containsExactly("accuracy", "text");
        assertThat(plan.results().get(0).value()).isEqualTo(new Expr.StepOutput("train", "accuracy", DOUBLE));
    }

    @Test
    void aResultIsAValueDeclaredOnceAtTheTopOfThePipeline() {
        assertThatThrownBy(() -> plan(
                        p -> p.result("data", p.step("source", new Source()).out(Source.DATA))))
                .isInstanceOf(PipelineDefinitionException.class)
                .hasMessageContaining("result 'data' is an artifact");
        assertThatThrownBy(() -> plan(p -> {
                    var source = p.step("source", new Source());
                    p.result("text", source.out(Source.TEXT));
                    p.result("text", source.out(Source.TEXT));
                }))
                .isInstanceOf(PipelineDefinitionException.class)
                .hasMessageContaining("result 'text' is declared twice");
        assertThatThrownBy(() -> plan(p -> p.forEach("loop", List.of(1, 2), (b, i) -> {
                    b.result("item", i);
                    return null;
                })))
                .isInstanceOf(PipelineDefinitionException.class)
                .hasMessageContaining("top level");
        assertThatThrownBy(() -> plan(p -> p.result("no good", p.param("x", 1))))
                .isInstanceOf(PipelineDefinitionException.class)
                .hasMessageContaining("invalid result name 'no good'");
    }

    @Test
    void parametersCreateNoDependencies() {
        Plan plan = plan(p -> {
            Param<String> greeting = p.param("greeting", "hello");
            p.step("echo", new Echo()).with(Echo.TEXT, greeting);
        });
        assertThat(node(plan.graph(), "echo").dependencies()).isEmpty();
        assertThat(step(plan.graph(), "echo").bindings()).containsEntry("text", new Expr.Param("greeting", STRING));
        assertThat(plan.param("greeting")).hasValueSatisfying(spec -> {
            assertThat(spec.defaultValue()).isEqualTo("hello");
            assertThat(spec.required()).isFalse();
        });
    }

    @Test
    void unboundInputsTakeTheirDefaultsAndOptionalOnesStayUnbound() {
        Plan plan = plan(p -> {
            var source = p.step("source", new Source());
            p.step("train", new Train())
                    .with(Train.DATA, source.out(Source.DATA))
                    .with(Train.EPOCHS, 3);
        });
        var bindings = step(plan.graph(), "train").bindings();
        assertThat(bindings)
                .containsEntry("rate", new Expr.Literal(DOUBLE, 0.1))
                .doesNotContainKey("note");
    }

    @Test
    void stepNamesAreSanitised() {
        Plan plan = plan(p -> {
            var source = p.step("Load Data", new Source());
            p.step("  Echo_It!! ", new Echo()).with(Echo.TEXT, source.out(Source.TEXT));
        });
        assertThat(plan.graph().nodes()).extracting(Node::name).containsExactly("load-data", "echo-it");
        assertThat(node(plan.graph(), "echo-it").dependencies()).containsExactly("load-data");
        assertThat(step(plan.graph(), "echo-it").bindings())
                .containsEntry("text", new Expr.StepOutput("load-data", "text", STRING));
    }

    @Test
    void pipelineNameIsSanitisedAndExperimentDefaultsToIt() {
        Plan plan = Pipeline.named("Iris Classifier")
                .define(p -> p.step("a", new Noop()))
                .plan();
        assertThat(plan.name()).isEqualTo("iris-classifier");
        assertThat(plan.experiment()).isEqualTo("iris-classifier");
        assertThat(plan.version()).isEqualTo("1");
    }

    @Test
    void aNameOfSixtyThreeCharactersIsKept() {
        String name = "a".repeat(63);
        Plan plan = plan(p -> p.step(name, new Noop()));
        assertThat(plan.graph().nodes()).extracting(Node::name).containsExactly(name);
    }

    @Test
    void whenAndOtherwiseGiveTheConditionAndItsNegation() {
        Plan plan = plan(p -> {
            var gate = p.step("gate", new Source());
            p.when(gate.out(Source.FLAG).isTrue(), b -> b.step("yes", new Noop()))
                    .otherwise(b -> b.step("no", new Noop()));
        });
        Cond cond = flagIsTrue("gate");
        assertThat(node(plan.graph(), "yes").when()).contains(cond);
        assertThat(node(plan.graph(), "no").when()).contains(new Cond.Not(cond));
        assertThat(node(plan.graph(), "gate").when()).isEmpty();
        assertThat(plan.graph().nodes()).extracting(Node::name).containsExactly("gate", "yes", "no");
    }

    @Test
    void aBranchStepDependsOnTheStepItsConditionReads() {
        Plan plan = plan(p -> {
            var eval = p.step("eval", new Source());
            Param<Double> min = p.param("min-accuracy", 0.9);
            p.when(eval.out(Source.SCORE).atLeast(min), b -> b.step("deploy", new Noop()));
        });
        Node deploy = node(plan.graph(), "deploy");
        assertThat(deploy.dependencies()).containsExactly("eval");
        assertThat(deploy.when())
                .contains(new Cond.Compare(
                        new Expr.StepOutput("eval", "score", DOUBLE),
                        Cond.Op.GE,
                        new Expr.Param("min-accuracy", DOUBLE)));
    }

    @Test
    void aComparisonWithALiteralKeepsTheLiteral() {
        Plan plan = plan(p -> {
            var eval = p.step("eval", new Source());
            p.when(eval.out(Source.TEXT).isEqualTo("ok"), b -> b.step("deploy", new Noop()));
        });
        assertThat(node(plan.graph(), "deploy").when())
                .contains(new Cond.Compare(
                        new Expr.StepOutput("eval", "text", STRING), Cond.Op.EQ, new Expr.Literal(STRING, "ok")));
    }

    @Test
    void nestedWhensCombineWithAll() {
        Plan plan = plan(p -> {
            var first = p.step("first", new Source());
            var second = p.step("second", new Source());
            p.when(
                    first.out(Source.FLAG).isTrue(),
                    outer -> outer.when(second.out(Source.FLAG).isTrue(), inner -> inner.step("both", new Noop()))
                            .otherwise(inner -> inner.step("only-first", new Noop())));
        });
        Node both = node(plan.graph(), "both");
        assertThat(both.when()).contains(new Cond.All(List.of(flagIsTrue("first"), flagIsTrue("second"))));
        assertThat(both.dependencies()).containsExactlyInAnyOrder("first", "second");
        assertThat(node(plan.graph(), "only-first").when())
                .contains(new Cond.All(List.of(flagIsTrue("first"), new Cond.Not(flagIsTrue("second")))));
    }

    @Test
    void combinedConditionsKeepTheirShape() {
        Plan plan = plan(p -> {
            var a = p.step("a", new Source());
            var b = p.step("b", new Source());
            p.when(
                    a.out(Source.FLAG)
                            .isTrue()
                            .and(b.out(Source.FLAG).isTrue().not())
                            .or(a.out(Source.COUNT).greaterThan(3)),
                    br -> br.step("go", new Noop()));
        });
        Cond expected = new Cond.Any(List.of(
                new Cond.All(List.of(flagIsTrue("a"), new Cond.Not(flagIsTrue("b")))),
                new Cond.Compare(
                        new Expr.StepOutput("a", "count", ValueType.of(Integer.class)),
                        Cond.Op.GT,
                        new Expr.Literal(ValueType.of(Integer.class), 3))));
        assertThat(node(plan.graph(), "go").when()).contains(expected);
        assertThat(node(plan.graph(), "go").dependencies()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aLoopItemsFieldIsTypedLikeTheRecordsComponent() {
        Plan plan = plan(p -> {
            var source = p.step("source", new Source());
            p.forEach("trials", List.of(new Fixtures.Trial(0.1, 2, "a", List.of(8))), (body, trial) -> {
                body.forEach(
                        "layers", trial.get(Fixtures.Trial::layers), (inner, width) -> inner.step("width", new Noop()));
                return body.step("train", new Train())
                        .with(Train.DATA, source.out(Source.DATA))
                        .with(Train.EPOCHS, trial.get(Fixtures.Trial::epochs))
                        .with(Train.RATE, trial.get(Fixtures.Trial::rate));
            });
        });
        var loop = (Node.LoopNode) node(plan.graph(), "trials");
        var item = new Expr.LoopItem("trials", ValueType.of(Fixtures.Trial.class));
        assertThat(step(loop.body(), "train").bindings())
                .containsEntry("epochs", new Expr.Field(item, "epochs", ValueType.of(Integer.class)))
                .containsEntry("rate", new Expr.Field(item, "rate", DOUBLE));
        var layers = (Node.LoopNode) node(loop.body(), "layers");
        assertThat(layers.items()).isEqualTo(new Expr.Field(item, "layers", ValueType.listOf(Integer.class)));
        assertThat(layers.itemType()).isEqualTo(ValueType.of(Integer.class));
    }

    @Test
    void aStepOfAComponentThatRequiresAGpuGetsOne() {
        Plan plan = plan(p -> {
            p.step("one", new Fixtures.CudaOnly());
            p.step("two", new Fixtures.CudaOnly()).gpus(2);
        });
        assertThat(step(plan.graph(), "one").options().gpus()).isEqualTo(1);
        assertThat(step(plan.graph(), "two").options().gpus()).isEqualTo(2);
        assertThat(step(plan.graph(), "one").component().requiresGpu()).isTrue();
    }

    @Test
    void aRunsTimeoutAndLifecycleAreOnThePlanAndAnImageValueIsReadLikeAnInput() {
        Plan plan = Pipeline.named("limits")
                .timeout(java.time.Duration.ofMinutes(90))
                .keepFinished(java.time.Duration.ofDays(1))
                .deletePods(dev.fermion.plan.Lifecycle.PodGc.ON_WORKFLOW_SUCCESS)
                .define(p -> {
                    var source = p.step("source", new Source());
                    p.step("echo", new Echo()).with(Echo.TEXT, "x").image(source.out(Source.TEXT));
                })
                .plan();
        assertThat(plan.lifecycle())
                .isEqualTo(new dev.fermion.plan.Lifecycle(
                        java.time.Duration.ofMinutes(90),
                        java.time.Duration.ofDays(1),
                        null,
                        null,
                        dev.fermion.plan.Lifecycle.PodGc.ON_WORKFLOW_SUCCESS));
        assertThat(node(plan.graph(), "echo").dependencies()).containsExactly("source");
        assertThat(step(plan.graph(), "echo").options().imageFrom())
                .isEqualTo(new Expr.StepOutput("source", "text", STRING));
        assertThat(step(plan.graph(), "echo").options().image()).isNull();
    }

    @Test
    void aBranchStepsOutputIsReadAfterTheBranchWithAFallback() {
        Plan plan = plan(p -> {
            var gate = p.step("gate", new Source());
            var branch = p.when(gate.out(Source.FLAG).isTrue(), b -> b.step("a", new Source()));
            var other = branch.otherwise(b -> b.step("b", new Source()));
            p.step("constant", new Echo())
                    .with(Echo.TEXT, branch.then().out(Source.TEXT).orElse("none"));
            p.step("either", new Echo())
                    .with(Echo.TEXT, branch.then().out(Source.TEXT).orElse(other.out(Source.TEXT)));
        });
        var a = new Expr.StepOutput("a", "text", STRING);
        assertThat(step(plan.graph(), "constant").bindings())
                .containsEntry("text", new Expr.OrElse(a, new Expr.Literal(STRING, "none"), STRING));
        assertThat(step(plan.graph(), "either").bindings())
                .containsEntry("text", new Expr.OrElse(a, new Expr.StepOutput("b", "text", STRING), STRING));
        assertThat(node(plan.graph(), "constant").dependencies()).containsExactly("a");
        assertThat(node(plan.graph(), "either").dependencies()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aStepInABranchMayReadStepsOfTheSameBranch() {
        Plan plan = plan(p -> {
            var gate = p.step("gate", new Source());
            p.when(gate.out(Source.FLAG).isTrue(), b -> {
                var inner = b.step("inner", new Source());
                return b.step("reader", new Echo()).with(Echo.TEXT, inner.out(Source.TEXT));
            });
        });
        assertThat(node(plan.graph(), "reader").dependencies()).containsExactlyInAnyOrder("gate", "inner");
    }

    @Test
    void loopBodyIsItsOwnGraphAndTheLoopWaitsForWhatItsBodyReads() {
        Plan plan = plan(p -> {
            var source = p.step("source", new Source());
            p.forEach("per-epochs", List.of(1, 5), (body, epochs) -> {
                        var train = body.step("train", new Train())
                                .with(Train.DATA, source.out(Source.DATA))
                                .with(Train.EPOCHS, epochs);
                        return body.step("report", new Noop()).after(train);
                    })
                    .parallelism(2);
        });
        var loop = (Node.LoopNode) node(plan.graph(), "per-epochs");
        ValueType<Integer> integer = ValueType.of(Integer.class);
        assertThat(loop.dependencies()).containsExactly("source");
        assertThat(loop.parallelism()).isEqualTo(2);
        assertThat(loop.itemType()).isEqualTo(integer);
        assertThat(loop.items()).isEqualTo(new Expr.Literal(ValueType.listOf(integer), List.of(1, 5)));
        assertThat(loop.body().nodes()).extracting(Node::name).containsExactly("train", "report");
        assertThat(node(loop.body(), "train").dependencies()).isEmpty();
        assertThat(node(loop.body(), "report").dependencies()).containsExactly("train");
        assertThat(step(loop.body(), "train").bindings())
                .containsEntry("epochs", new Expr.LoopItem("per-epochs", integer))
                .containsEntry("data", new Expr.StepOutput("source", "data", ValueType.of(Dataset.class)));
    }

    @Test
    void loopOverAStepOutputDependsOnThatStep() {
        Plan plan = plan(p -> {
            var source = p.step("source", new Source());
            p.forEach("each", source.out(Source.SCORES), (body, score) -> body.step("use", new Noop()));
        });
        var loop = (Node.LoopNode) node(plan.graph(), "each");
        assertThat(loop.dependencies()).containsExactly("source");
        assertThat(loop.itemType()).isEqualTo(DOUBLE);
    }

    @Test
    void loopOverCollectedValuesIteratesTheirElementType() {
        Plan plan = plan(p -> {
            var source = p.step("source", new Source());
            var sweep = p.forEach(
                    "sweep",
                    List.of(1, 2),
                    (body, epochs) -> body.step("train", new Train())
                            .with(Train.DATA, source.out(Source.DATA))
                            .with(Train.EPOCHS, epochs));
            p.forEach("each-accuracy", sweep.collect(Train.ACCURACY), (body, accuracy) -> body.step("use", new Noop()));
        });
        var loop = (Node.LoopNode) node(plan.graph(), "each-accuracy");
        assertThat(loop.itemType()).isEqualTo(DOUBLE);
        assertThat(loop.dependencies()).containsExactly("sweep");
    }

    @Test
    void nestedLoopsSeeTheOuterItemAndOuterStepsDependOnTheOutermostLoop() {
        Plan plan = plan(p -> {
            var source = p.step("source", new Source());
            var outer = p.forEach(
                    "outer",
                    List.of("a", "b"),
                    (body, letter) -> body.forEach(
                            "inner",
                            List.of(1, 2),
                            (innerBody, number) -> innerBody
                                    .step("echo", new Echo())
                                    .with(Echo.TEXT, letter)
                                    .after(source)));
            p.step("done", new Noop()).after(outer);
        });
        var outer = (Node.LoopNode) node(plan.graph(), "outer");
        assertThat(outer.dependencies()).containsExactly("source");
        var inner = (Node.LoopNode) node(outer.body(), "inner");
        assertThat(inner.dependencies()).isEmpty();
        assertThat(step(inner.body(), "echo").bindings()).containsEntry("text", new Expr.LoopItem("outer", STRING));
        assertThat(node(plan.graph(), "done").dependencies()).containsExactly("outer");
    }

    @Test
    void collectedOutputsFeedAStepAfterTheLoop() {
        Plan plan = plan(p -> {
            var source = p.step("source", new Source());
            var sweep = p.forEach(
                    "sweep",
                    List.of(1, 2, 3),
                    (body, epochs) -> body.step("Train", new Train())
                            .with(Train.DATA, source.out(Source.DATA))
                            .with(Train.EPOCHS, epochs));
            p.step("pick", new Pick()).with(Pick.SCORES, sweep.collect(trial -> trial.out(Train.ACCURACY)));
        });
        assertThat(node(plan.graph(), "pick").dependencies()).containsExactly("sweep");
        assertThat(step(plan.graph(), "pick").bindings())
                .containsEntry(
                        "scores",
                        new Expr.Collected(
                                "sweep", new Expr.StepOutput("train", "accuracy", DOUBLE), ValueType.listOf(DOUBLE)));
    }

    @Test
    void subPipelineUsedTwiceIsRegisteredOnce() {
        Plan plan = plan(p -> {
            var source = p.step("source", new Source());
            var first = p.step("first", new Relay()).with(Relay.TEXT, source.out(Source.TEXT));
            p.step("second", new Relay()).with(Relay.TEXT, first.out(Relay.RESULT));
            p.step("echo", new Echo()).with(Echo.TEXT, "shares a step name with the sub-pipeline's body");
        });
        String key = Relay.class.getName();
        assertThat(plan.subPipelines()).containsOnlyKeys(key);
        var first = (Node.CallNode) node(plan.graph(), "first");
        var second = (Node.CallNode) node(plan.graph(), "second");
        assertThat(first.pipeline()).isEqualTo(key);
        assertThat(second.pipeline()).isEqualTo(key);
        assertThat(second.dependencies()).containsExactly("first");
        assertThat(second.bindings()).containsEntry("text", new Expr.StepOutput("first", "result", STRING));

        Graph body = plan.subPipeline(key);
        assertThat(body.name()).isEqualTo("relay");
        assertThat(body.inputs()).extracting(port -> port.name()).containsExactly("text");
        assertThat(body.outputs())
                .containsExactly(
                        new Graph.GraphOutput("result", STRING, new Expr.StepOutput("echo", "result", STRING)));
        assertThat(step(body, "echo").bindings()).containsEntry("text", new Expr.GraphInput("text", STRING));
    }

    /** The questions asked of every step (volumes, GPUs, sidecars, caching) see loop bodies, sub-pipelines and the exit handler. */
    @Test
    void allNodesWalksEveryGraphDepthFirstInAStableOrder() {
        Plan plan = plan(p -> {
            var source = p.step("source", new Source());
            p.forEach(
                    "loop", List.of(1, 2), (b, i) -> b.step("inner", new Echo()).with(Echo.TEXT, "x"));
            p.step("relay", new Relay()).with(Relay.TEXT, source.out(Source.TEXT));
            p.onExit(exit -> exit.step("notify", new Echo()).with(Echo.TEXT, exit.status()));
        });
        assertThat(plan.topGraphs())
                .extracting(Graph::name)
                .containsExactly(
                        plan.graph().name(), plan.onExit().orElseThrow().name(), "relay");
        assertThat(plan.allNodes())
                .extracting(Node::name)
                .containsExactly("source", "loop", "inner", "relay", "notify", "echo");
        assertThat(plan.allNodes())
                .filteredOn(Node::isStep)
                .extracting(Node::name)
                .containsExactly("source", "inner", "notify", "echo");
        assertThat(node(plan.graph(), "relay").calls()).contains(Relay.class.getName());
        assertThat(node(plan.graph(), "loop").loopBody())
                .hasValueSatisfying(
                        body -> assertThat(body.nodes()).extracting(Node::name).containsExactly("inner"));
        assertThat(node(plan.graph(), "source").podOptions()).isPresent();
        assertThat(node(plan.graph(), "loop").podOptions()).isEmpty();
    }

    @Test
    void exitHandlerMayReadTheStatusAndParams() {
        Plan plan = plan(p -> {
            Param<String> channel = p.param("channel", "#ml");
            p.step("work", new Noop());
            p.onExit(exit -> {
                exit.step("notify", new Echo()).with(Echo.TEXT, exit.status());
                exit.step("log", new Echo()).with(Echo.TEXT, channel);
            });
        });
        assertThat(plan.onExit()).hasValueSatisfying(exit -> {
            assertThat(step(exit, "notify").bindings()).containsEntry("text", new Expr.WorkflowStatus(STRING));
            assertThat(step(exit, "log").bindings()).containsEntry("text", new Expr.Param("channel", STRING));
        });
        assertThat(plan.graph().nodes()).extracting(Node::name).containsExactly("work");
    }

    @Test
    void exitHandlerMayBranchOnTheStatus() {
        Plan plan = plan(p -> {
            p.step("work", new Noop());
            p.onExit(exit -> exit.when(exit.status().isEqualTo("Failed"), b -> b.step("page", new Noop())));
        });
        assertThat(plan.onExit())
                .hasValueSatisfying(exit -> assertThat(node(exit, "page").when())
                        .contains(new Cond.Compare(
                                new Expr.WorkflowStatus(STRING), Cond.Op.EQ, new Expr.Literal(STRING, "Failed"))));
    }

    public enum Mode {
        FAST {
            @Override
            public String toString() {
                return "fast";
            }
        },
        SLOW
    }

    @Test
    void enumParamTakesTheEnumTypeEvenForAConstantWithABody() {
        Plan plan = plan(p -> {
            Param<Mode> mode = p.param("mode", Mode.FAST);
            p.when(mode.isEqualTo(Mode.SLOW), b -> b.step("slow", new Noop()));
        });
        assertThat(plan.param("mode")).hasValueSatisfying(spec -> {
            assertThat(spec.type()).isEqualTo(ValueType.of(Mode.class));
            assertThat(spec.type().kind()).isEqualTo(ValueType.Kind.ENUM);
        });
    }

    @Test
    void cachingIsOnByDefault() {
        Plan plan = plan(p -> p.step("a", new Noop()));
        assertThat(plan.defaults().cache()).isEqualTo(CachePolicy.FOREVER);
        assertThat(step(plan.graph(), "a").options().cachingEnabled()).isTrue();
    }

    @Test
    void stepsThatAreNotCacheableByDefaultAreCachedOnlyWhenAskedExplicitly() {
        Plan plan = plan(p -> {
            p.step("implicit", new ReadsFile());
            p.step("explicit", new ReadsFile()).cached(Duration.ofHours(1));
        });
        assertThat(step(plan.graph(), "implicit").options().cachingEnabled()).isFalse();
        assertThat(step(plan.graph(), "explicit").options().cache()).isEqualTo(CachePolicy.maxAge(Duration.ofHours(1)));
    }

    @Test
    void exitHandlerStepsAreNotCachedUnlessAsked() {
        Plan plan = plan(p -> {
            p.step("a", new Noop());
            p.onExit(exit -> {
                exit.step("report", new Noop());
                exit.step("archive", new Noop()).cached();
            });
        });
        Graph exit = plan.onExit().orElseThrow();
        assertThat(step(exit, "report").options().cachingEnabled()).isFalse();
        assertThat(step(exit, "archive").options().cachingEnabled()).isTrue();
    }

    @Test
    void stepsThatMountAClaimWritableAreNotCachedUnlessAsked() {
        Plan plan = plan(p -> {
            var staging = p.step("staging", new VolumeClaim("1Gi"));
            p.step("fills", new Noop()).mountClaim(staging.out(VolumeClaim.CLAIM_NAME), "/staging");
            p.step("writes", new Noop()).mount(VolumeMount.pvc("archive", "/archive"));
            p.step("reads", new Noop())
                    .mount(VolumeMount.pvc("archive", "/archive").asReadOnly());
            p.step("secret", new Noop()).mount(VolumeMount.secret("token", "/token"));
            p.step("scratch", new Noop()).mount(VolumeMount.emptyDir("tmp", "/tmp/work", null));
            p.step("asks", new Noop())
                    .mountClaim(staging.out(VolumeClaim.CLAIM_NAME), "/staging")
                    .cached();
        });
        assertThat(step(plan.graph(), "fills").options().cachingEnabled()).isFalse();
        assertThat(step(plan.graph(), "writes").options().cachingEnabled()).isFalse();
        assertThat(step(plan.graph(), "reads").options().cachingEnabled()).isTrue();
        assertThat(step(plan.graph(), "secret").options().cachingEnabled()).isTrue();
        assertThat(step(plan.graph(), "scratch").options().cachingEnabled()).isTrue();
        assertThat(step(plan.graph(), "asks").options().cachingEnabled()).isTrue();
    }

    @Test
    void aStepOrTheDefaultsCanTurnCachingOff() {
        Plan perStep = plan(p -> {
            p.step("a", new Noop()).noCache();
            p.step("b", new Noop()).cached(Duration.ofHours(1));
        });
        assertThat(step(perStep.graph(), "a").options().cachingEnabled()).isFalse();
        assertThat(step(perStep.graph(), "b").options().cache()).isEqualTo(CachePolicy.maxAge(Duration.ofHours(1)));

        Plan pipelineWide = Pipeline.named("demo")
                .defaults(d -> d.noCache())
                .define(p -> p.step("a", new Noop()))
                .plan();
        assertThat(step(pipelineWide.graph(), "a").options().cachingEnabled()).isFalse();
    }

    @Test
    void pipelineDefaultsMergeWithStepOptionsAndTheStepWins() {
        Plan plan = Pipeline.named("demo")
                .experiment("iris")
                .description("d")
                .version("7")
                .defaults(d -> d.memory("2Gi")
                        .cpu("1")
                        .retries(2)
                        .env("MODE", "batch")
                        .env("REGION", "eu")
                        .label("team", "ml")
                        .nodeSelector("pool", "cpu"))
                .define(p -> {
                    p.step("plain", new Noop());
                    p.step("custom", new Noop())
                            .memory("8Gi")
                            .env("MODE", "stream")
                            .env("EXTRA", "1")
                            .label("owner", "ana")
                            .gpus(1);
                })
                .plan();
        assertThat(plan.experiment()).isEqualTo("iris");
        assertThat(plan.description()).isEqualTo("d");
        assertThat(plan.version()).isEqualTo("7");
        assertThat(plan.defaults().memoryRequest()).isEqualTo("2Gi");

        StepOptions plain = step(plan.graph(), "plain").options();
        assertThat(plain.memoryRequest()).isEqualTo("2Gi");
        assertThat(plain.cpuRequest()).isEqualTo("1");
        assertThat(plain.retry()).isEqualTo(Retry.times(2));
        assertThat(plain.env()).isEqualTo(Map.of("MODE", "batch", "REGION", "eu"));

        StepOptions custom = step(plan.graph(), "custom").options();
        assertThat(custom.memoryRequest()).isEqualTo("8Gi");
        assertThat(custom.memoryLimit()).isEqualTo("8Gi");
        assertThat(custom.cpuRequest()).isEqualTo("1");
        assertThat(custom.retry()).isEqualTo(Retry.times(2));
        assertThat(custom.env()).isEqualTo(Map.of("MODE", "stream", "REGION", "eu", "EXTRA", "1"));
        assertThat(custom.labels()).isEqualTo(Map.of("team", "ml", "owner", "ana"));
        assertThat(custom.nodeSelector()).isEqualTo(Map.of("pool", "cpu"));
        assertThat(custom.wantsGpu()).isTrue();
        assertThat(custom.cachingEnabled()).isTrue();
    }

    @Test
    void stepsInsideSubPipelinesGetThePipelineDefaults() {
        Plan plan = Pipeline.named("demo")
                .defaults(d -> d.memory("2Gi"))
                .define(p -> p.step("relay", new Relay()).with(Relay.TEXT, "x"))
                .plan();
        StepOptions inner =
                step(plan.subPipeline(Relay.class.getName()), "echo").options();
        assertThat(inner.memoryRequest()).isEqualTo("2Gi");
        assertThat(inner.cachingEnabled()).isTrue();
    }

    @Test
    void componentSpecDescribesThePorts() {
        Plan plan = plan(p -> {
            var source = p.step("source", new Source());
            p.step("train", new Train())
                    .with(Train.DATA, source.out(Source.DATA))
                    .with(Train.EPOCHS, 3);
        });
        var spec = step(plan.graph(), "train").component();
        assertThat(spec.className()).isEqualTo(Train.class.getName());
        assertThat(spec.simpleName()).isEqualTo("Fixtures.Train");
        assertThat(spec.inputs()).extracting(port -> port.name()).containsExactly("data", "epochs", "rate", "note");
        assertThat(spec.input("data"))
                .hasValueSatisfying(port -> assertThat(port.isArtifact()).isTrue());
        assertThat(spec.input("rate"))
                .hasValueSatisfying(port -> assertThat(port.defaultValue()).isEqualTo(0.1));
        assertThat(spec.input("note"))
                .hasValueSatisfying(port -> assertThat(port.optional()).isTrue());
        assertThat(spec.outputs()).extracting(port -> port.name()).containsExactly("accuracy", "model");
    }

    @Test
    void requiredParamIsAllowedWithoutASchedule() {
        Plan plan = plan(p -> p.step("echo", new Echo()).with(Echo.TEXT, p.param("text", String.class)));
        assertThat(plan.param("text"))
                .hasValueSatisfying(spec -> assertThat(spec.required()).isTrue());
        assertThat(plan.schedule()).isEmpty();
    }
}
