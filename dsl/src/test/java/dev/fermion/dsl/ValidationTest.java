package dev.fermion.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fermion.dsl.Fixtures.Echo;
import dev.fermion.dsl.Fixtures.Noop;
import dev.fermion.dsl.Fixtures.Other;
import dev.fermion.dsl.Fixtures.Source;
import dev.fermion.dsl.Fixtures.Train;
import dev.fermion.plan.Schedule;
import dev.fermion.plan.Sidecar;
import dev.fermion.plan.VolumeMount;
import dev.fermion.types.Dataset;
import dev.fermion.types.InlineFile;
import dev.fermion.types.ValueType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way a definition can be wrong is reported by define() with the pipeline, the step and the fix. */
class ValidationTest {

    private static PipelineDefinitionException failure(Consumer<Dag> body) {
        return assertThrows(
                PipelineDefinitionException.class, () -> Pipeline.named("demo").define(body));
    }

    private static PipelineDefinitionException failure(Pipeline.Builder builder, Consumer<Dag> body) {
        return assertThrows(PipelineDefinitionException.class, () -> builder.define(body));
    }

    private static void assertWhere(PipelineDefinitionException e, String step) {
        assertThat(e.pipeline()).isEqualTo("demo");
        assertThat(e.step()).isEqualTo(step);
        assertThat(e.getMessage())
                .startsWith(step == null ? "pipeline 'demo': " : "pipeline 'demo', step '" + step + "': ");
    }

    @Nested
    class Cycles {
        @Test
        void twoStepsWaitingForEachOther() {
            var e = failure(p -> {
                var a = p.step("a", new Noop());
                var b = p.step("b", new Noop()).after(a);
                a.after(b);
            });
            assertWhere(e, "a");
            assertThat(e.getMessage()).contains("cycle", "a -> b -> a", "remove an after(...)");
        }

        @Test
        void afterCombinedWithADataDependency() {
            var e = failure(p -> {
                var source = p.step("source", new Source());
                var echo = p.step("echo", new Echo()).with(Echo.TEXT, source.out(Source.TEXT));
                source.after(echo);
            });
            assertThat(e.getMessage()).contains("cycle", "source -> echo -> source");
        }

        @Test
        void threeStepCycle() {
            var e = failure(p -> {
                var a = p.step("a", new Noop());
                var b = p.step("b", new Noop()).after(a);
                var c = p.step("c", new Noop()).after(b);
                a.after(c);
            });
            assertThat(e.getMessage()).contains("a -> c -> b -> a");
        }

        @Test
        void throughALoopWhoseBodyReadsTheStep() {
            var e = failure(p -> {
                var source = p.step("source", new Source());
                var loop = p.forEach(
                        "each",
                        List.of("x", "y"),
                        (body, item) -> body.step("echo", new Echo()).with(Echo.TEXT, source.out(Source.TEXT)));
                source.after(loop);
            });
            assertThat(e.getMessage()).contains("cycle", "source -> each -> source");
        }

        @Test
        void stepAfterItself() {
            var e = failure(p -> {
                var a = p.step("a", new Noop());
                a.after(a);
            });
            assertWhere(e, "a");
            assertThat(e.getMessage()).contains("cannot run after itself");
        }

        @Test
        void stepReadingItsOwnOutput() {
            var e = failure(p -> {
                var echo = p.step("loop-back", new Echo());
                echo.with(Echo.TEXT, echo.out(Echo.RESULT));
            });
            assertWhere(e, "loop-back");
            assertThat(e.getMessage()).contains("reads its own output");
        }

        @Test
        void afterAStepOfAnotherPipeline() {
            var elsewhere = new AtomicReference<Step<Noop>>();
            Pipeline.named("other").define(p -> elsewhere.set(p.step("elsewhere", new Noop())));
            var e = failure(p -> p.step("a", new Noop()).after(elsewhere.get()));
            assertWhere(e, "a");
            assertThat(e.getMessage()).contains("after(elsewhere)", "not part of this pipeline");
        }
    }

    @Nested
    class Bindings {
        @Test
        void requiredInputLeftUnbound() {
            var e = failure(p -> p.step("train", new Train()).with(Train.EPOCHS, 3));
            assertWhere(e, "train");
            assertThat(e.getMessage())
                    .contains(
                            "input 'data' (Dataset) of Train is not bound",
                            ".with(Train.DATA, ...)",
                            "defaultValue(...)");
        }

        @Test
        void inputBoundTwice() {
            var e = failure(p -> p.step("echo", new Echo()).with(Echo.TEXT, "a").with(Echo.TEXT, "b"));
            assertWhere(e, "echo");
            assertThat(e.getMessage()).contains("input 'text' is bound twice");
        }

        @Test
        void inputOfAnotherComponent() {
            var e = failure(p -> p.step("echo", new Echo()).with(Other.LABEL, "x"));
            assertWhere(e, "echo");
            assertThat(e.getMessage())
                    .contains("Input<String>(label) is not an input of Echo", "its inputs are [text]");
        }

        @Test
        void outputOfAnotherComponent() {
            var e = failure(p -> {
                var echo = p.step("echo", new Echo()).with(Echo.TEXT, "x");
                p.step("other", new Other()).with(Other.LABEL, echo.out(Other.SUMMARY));
            });
            assertWhere(e, "echo");
            assertThat(e.getMessage())
                    .contains("Output<String>(summary) is not an output of Echo", "its outputs are [result]");
        }

        @Test
        void artifactInputBoundToAConstant() {
            var e = failure(p -> p.step("train", new Train()).with(Train.DATA, new Dataset(Path.of("data"))));
            assertWhere(e, "train");
            assertThat(e.getMessage())
                    .contains("input 'data' is an artifact (Dataset)", "bind it to another step's output");
        }

        @Test
        @SuppressWarnings({"unchecked", "rawtypes"})
        void valueOfTheWrongTypeSmuggledPastTheCompiler() {
            var e = failure(p -> {
                var source = p.step("source", new Source());
                Step raw = p.step("train", new Train());
                raw.with((Input) Train.EPOCHS, (Value) source.out(Source.TEXT));
            });
            assertWhere(e, "train");
            assertThat(e.getMessage()).contains("input 'epochs' expects Integer but is bound to String");
        }
    }

    @Nested
    class StepNames {
        @Test
        void duplicateStepName() {
            var e = failure(p -> {
                p.step("train", new Noop());
                p.step("train", new Noop());
            });
            assertWhere(e, "train");
            assertThat(e.getMessage()).contains("duplicate step name 'train'", "give each step and loop");
        }

        @Test
        void loopNamedLikeAStep() {
            var e = failure(p -> {
                p.step("each", new Noop());
                p.forEach("each", List.of(1), (body, item) -> body.step("inner", new Noop()));
            });
            assertThat(e.getMessage()).contains("duplicate loop name 'each'");
        }

        @Test
        void loopBodyStepNamedLikeAnOuterStep() {
            var e = failure(p -> {
                p.step("train", new Noop());
                p.forEach("each", List.of(1), (body, item) -> body.step("train", new Noop()));
            });
            assertThat(e.getMessage()).contains("duplicate step name 'train'");
        }

        @Test
        void exitHandlerStepNamedLikeAMainStep() {
            var e = failure(p -> {
                p.step("notify", new Noop());
                p.onExit(exit -> exit.step("notify", new Noop()));
            });
            assertThat(e.getMessage()).contains("duplicate step name 'notify'");
        }

        @Test
        void namesThatCollideAfterSanitising() {
            var e = failure(p -> {
                p.step("train_model", new Noop());
                p.step("train-model", new Noop());
            });
            assertWhere(e, "train-model");
            assertThat(e.getMessage())
                    .contains("'train-model' and 'train_model' both become the Kubernetes name 'train-model'");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "!!!", "---"})
        void namesWithNothingUsable(String name) {
            var e = failure(p -> p.step(name, new Noop()));
            assertThat(e.step()).isEqualTo(name);
            assertThat(e.getMessage()).contains("is not a usable step name", "at most 63 characters");
        }

        @Test
        void nameLongerThanALabel() {
            var e = failure(p -> p.step("a".repeat(64), new Noop()));
            assertThat(e.getMessage()).contains("is not a usable step name");
        }

        @Test
        void loopNameWithNothingUsable() {
            var e = failure(p -> p.forEach("***", List.of(1), (body, item) -> body.step("inner", new Noop())));
            assertThat(e.getMessage()).contains("is not a usable loop name");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "?!", "  "})
        void unusablePipelineName(String name) {
            var e = assertThrows(PipelineDefinitionException.class, () -> Pipeline.named(name));
            assertThat(e.getMessage()).contains("not a usable pipeline name");
        }

        @Test
        void pipelineNameLongerThanALabel() {
            assertThrows(PipelineDefinitionException.class, () -> Pipeline.named("p".repeat(64)));
        }
    }

    @Nested
    class Fields {
        @Test
        void aLambdaInsteadOfAnAccessor() {
            var e = failure(p -> p.forEach(
                    "trials",
                    List.of(new Fixtures.Trial(0.1, 2, "a", List.of())),
                    (body, trial) -> body.step("echo", new Echo()).with(Echo.TEXT, trial.get(t -> t.name()))));
            assertThat(e.getMessage())
                    .contains("a method reference to an accessor of Fixtures.Trial", "Trial::rate", "not a lambda");
        }

        @Test
        void aFieldOfAValueThatIsNotARecord() {
            var e = failure(p -> {
                var source = p.step("source", new Source());
                p.step("echo", new Echo())
                        .with(Echo.TEXT, source.out(Source.TEXT).get(String::trim));
            });
            assertThat(e.getMessage()).contains("get(...) reads a component of a record value; this value is a String");
        }
    }

    /** What the compiler would refuse is refused here, so a local run and a compilation agree. */
    @Nested
    class AsTheCompilerWould {
        @Test
        void aConditionOnANumberThatIsNotFinite() {
            var e = failure(p -> p.when(
                    p.step("source", new Source()).out(Source.SCORE).atLeast(Double.POSITIVE_INFINITY),
                    b -> b.step("late", new Noop())));
            assertThat(e.getMessage()).contains("with Infinity, which is not a number Argo can read");
        }

        @Test
        void aStepOfAComponentThatRequiresAGpuAskingForNone() {
            var e = failure(p -> p.step("cuda", new Fixtures.CudaOnly()).gpus(0));
            assertWhere(e, "cuda");
            assertThat(e.getMessage()).contains("CudaOnly requires a GPU, but the step asks for gpus(0)");
        }

        @Test
        void aVersionWithBraces() {
            var e = failure(p -> p.step("odd", new Fixtures.BracedVersion()));
            assertWhere(e, "odd");
            assertThat(e.getMessage()).contains("BracedVersion.version() is '1.{{x}}'", "plain text");
        }

        @Test
        void aPortNamedLikeFermionsOwnParameters() {
            var e = failure(p -> p.step("clash", new Fixtures.ClashingPorts()));
            assertThat(e.getMessage()).contains("declares input 'data-digest' beside artifact input 'data'");
        }

        @Test
        void anOptionalSubPipelineInputLeftUnbound() {
            var e = failure(p -> p.step("sub", new Fixtures.OptionalInput()));
            assertWhere(e, "sub");
            assertThat(e.getMessage()).contains("input 'note' of sub-pipeline OptionalInput is optional and not bound");
        }

        @Test
        void twoEmptyDirVolumesOfOneNameSetUpDifferently() {
            var e = failure(p -> {
                p.step("a", new Noop()).mount(VolumeMount.emptyDir("scratch", "/a", "1Gi"));
                p.step("b", new Noop()).mount(VolumeMount.emptyDir("scratch", "/b", "2Gi"));
            });
            assertThat(e.getMessage()).contains("emptyDir volume 'scratch' is set up differently");
        }

        @Test
        void anEnvironmentVariableSetByTheCommandAndTheStep() {
            var e = failure(p -> p.step("resize", new ContainerFixtures.Resize())
                    .with(
                            ContainerFixtures.Resize.IMAGES,
                            p.step("source", new Source()).out(Source.DATA))
                    .env("COUNT_FILE", "x"));
            assertWhere(e, "resize");
            assertThat(e.getMessage()).contains("'COUNT_FILE' is set both by the command");
        }

        @Test
        void aManifestThatNamesNoObject() {
            var e = failure(p -> p.step("apply", new ContainerFixtures.NamelessApply()));
            assertWhere(e, "apply");
            assertThat(e.getMessage()).contains("has no metadata.name");
        }

        @Test
        void aScheduledPipelineWithANameTooLongForACronWorkflow() {
            var e = assertThrows(
                    PipelineDefinitionException.class,
                    () -> Pipeline.named("x".repeat(53)).schedule(dev.fermion.plan.Schedule.cron("0 3 * * *")));
            assertThat(e.getMessage()).contains("at most 52 characters");
        }

        @Test
        void textArgoWouldEvaluateInSettings() {
            for (Consumer<Dag> body : List.<Consumer<Dag>>of(
                    p -> p.step("a", new Noop()).env("X", "{{workflow.name}}"),
                    p -> p.step("a", new Noop()).annotation("note", "a}}b"),
                    p -> p.step("a", new Noop()).nodeSelector("pool", "{{x}}"),
                    p -> p.step("a", new Noop()).image("acme/{{x}}:1"),
                    p -> p.step("a", new Noop()).mount(VolumeMount.pvc("data", "/data/{{x}}")))) {
                assertThat(failure(body).getMessage()).contains("'{{' or '}}'");
            }
        }
    }

    @Nested
    class Sidecars {
        @Test
        void aSidecarArgumentArgoWouldEvaluate() {
            var e = failure(p -> p.step("echo", new Echo())
                    .with(Echo.TEXT, "x")
                    .sidecar(Sidecar.of("db", "postgres:16").args("--name={{workflow.name}}")));
            assertWhere(e, null);
            assertThat(e.getMessage()).contains("argument of sidecar db", "'{{' or '}}'");
        }

        @Test
        void aSidecarNamedLikeArgosOwnContainers() {
            var e = failure(p -> p.step("echo", new Echo()).with(Echo.TEXT, "x").sidecar(Sidecar.of("main", "x:1")));
            assertThat(e.getMessage()).contains("Invalid sidecar name 'main'");
        }

        @Test
        void twoSidecarsWithOneName() {
            var e = failure(p -> p.step("echo", new Echo())
                    .with(Echo.TEXT, "x")
                    .sidecar(Sidecar.of("db", "a:1"))
                    .sidecar(Sidecar.of("db", "b:1")));
            assertThat(e.getMessage()).contains("two sidecars are named 'db'");
        }

        @Test
        void aSidecarIsPartOfTheStepsOptions() {
            var db = Sidecar.of("db", "postgres:16")
                    .env("POSTGRES_PASSWORD", "local")
                    .port(5432);
            var plan = Pipeline.named("demo")
                    .defaults(d -> d.sidecar(Sidecar.of("proxy", "envoy:1").port(9901)))
                    .define(p -> p.step("echo", new Echo()).with(Echo.TEXT, "x").sidecar(db))
                    .plan();
            var step =
                    (dev.fermion.plan.Node.StepNode) plan.graph().node("echo").orElseThrow();
            assertThat(step.options().sidecars()).extracting(Sidecar::name).containsExactly("proxy", "db");
        }
    }

    @Nested
    class Lifecycles {
        @Test
        void aTimeoutUnderASecond() {
            var e = assertThrows(
                    PipelineDefinitionException.class,
                    () -> Pipeline.named("demo").timeout(java.time.Duration.ofMillis(10)));
            assertThat(e.getMessage()).contains("pipeline 'demo'", "at least one second");
        }

        @Test
        void aDefaultImageThatIsNotAParameter() {
            var e = assertThrows(
                    PipelineDefinitionException.class,
                    () -> Pipeline.named("demo").defaults(d -> d.image(Value.of("acme/x:1"))));
            assertThat(e.getMessage()).contains("image(...) takes a pipeline parameter");
        }
    }

    @Nested
    class InlineFiles {
        @Test
        void aFileNameWithADirectory() {
            var e = failure(p -> p.step("t", new Train())
                    .with(Train.DATA, InlineFile.of("../etc/x", ""))
                    .with(Train.EPOCHS, 1));
            assertThat(e.getMessage()).contains("Invalid inline file name '../etc/x'", "no directories");
        }

        @Test
        void aFileForASubPipeline() {
            var e = failure(p -> p.step("sub", new Fixtures.TrainAndReport())
                    .with(Fixtures.TrainAndReport.DATA, InlineFile.of("d.csv", "x")));
            assertWhere(e, "sub");
            assertThat(e.getMessage()).contains("bind the inline file to the step inside it");
        }

        @Test
        void anArtifactConstantMadeWithValueOfNamesTheApiThatMakesOne() {
            var e = assertThrows(
                    IllegalArgumentException.class,
                    () -> Value.of(ValueType.of(Dataset.class), new Dataset(Path.of("x.csv"))));
            assertThat(e.getMessage()).contains("InlineFile.of(name, content)").doesNotContain("Dataset.inline");
        }
    }

    @Nested
    class BuiltValues {
        @Test
        void aFormatWithAnUnknownPlaceholder() {
            var e = failure(p -> p.step("echo", new Echo()).with(Echo.TEXT, Value.format("%d items", p.param("n", 1))));
            assertThat(e.getMessage()).contains("only %s (a value) and %% (a percent sign) are placeholders; found %d");
        }

        @Test
        void aFormatWithTooFewArguments() {
            var e = failure(p ->
                    p.step("echo", new Echo()).with(Echo.TEXT, Value.format("%s and %s", p.param("n", 1))));
            assertThat(e.getMessage()).contains("has 2 %s but 1 argument");
        }

        @Test
        void aListOfValuesOfDifferentTypes() {
            var e = failure(p -> p.forEach(
                    "each",
                    Value.listOf(p.param("n", 1), Value.of(2.0)),
                    (body, item) -> body.step("noop", new Noop())));
            assertThat(e.getMessage()).contains("mixes Integer and Double elements");
        }

        @Test
        void aListOfValuesFromTwoBranches() {
            var e = failure(p -> {
                var gate = p.step("gate", new Source());
                var a = p.when(gate.out(Source.FLAG).isTrue(), b -> b.step("a", new Source()))
                        .then();
                var c = p.when(gate.out(Source.FLAG).isTrue(), b -> b.step("c", new Source()))
                        .then();
                p.forEach(
                        "each",
                        Value.listOf(a.out(Source.TEXT), c.out(Source.TEXT)),
                        (body, item) -> body.step("noop", new Noop()));
            });
            assertThat(e.getMessage()).contains("no step sees both");
        }
    }

    @Nested
    class OrElse {
        @Test
        void aValueThatIsAlwaysThere() {
            var e = failure(p -> {
                var source = p.step("source", new Source());
                p.step("reader", new Echo())
                        .with(Echo.TEXT, source.out(Source.TEXT).orElse("none"));
            });
            assertThat(e.getMessage()).contains("orElse(...) on output 'text' of step 'source'", "always there");
        }

        @Test
        void aFallbackThatMayBeMissingToo() {
            var e = failure(p -> {
                var gate = p.step("gate", new Source());
                var a = p.when(gate.out(Source.FLAG).isTrue(), b -> b.step("a", new Source()))
                        .then();
                var other = p.when(gate.out(Source.SCORE).atLeast(0.5), b -> b.step("b", new Source()))
                        .then();
                p.step("reader", new Echo()).with(Echo.TEXT, a.out(Source.TEXT).orElse(other.out(Source.TEXT)));
            });
            assertThat(e.getMessage())
                    .contains(
                            "the fallback output 'text' of step 'b'",
                            "may itself be missing",
                            "the other block of the same when(...)");
        }

        @Test
        void aFallbackFromTheOtherBlockOfANestedWhenIsOnlyThereInsideTheOuterBranch() {
            var e = failure(p -> {
                var gate = p.step("gate", new Source());
                var inner = p.when(gate.out(Source.FLAG).isTrue(), outer -> {
                            var branch =
                                    outer.when(gate.out(Source.SCORE).atLeast(0.5), b -> b.step("a", new Source()));
                            var other = branch.otherwise(b -> b.step("b", new Source()));
                            return branch.then().out(Source.TEXT).orElse(other.out(Source.TEXT));
                        })
                        .then();
                p.step("reader", new Echo()).with(Echo.TEXT, inner);
            });
            assertWhere(e, "reader");
            assertThat(e.getMessage()).contains("not visible here");
        }

        @Test
        void anArtifact() {
            var e = failure(p -> {
                var gate = p.step("gate", new Source());
                var a = p.when(gate.out(Source.FLAG).isTrue(), b -> b.step("a", new Source()))
                        .then();
                p.step("reader", new Train())
                        .with(Train.DATA, a.out(Source.DATA).orElse(gate.out(Source.DATA)))
                        .with(Train.EPOCHS, 1);
            });
            assertThat(e.getMessage()).contains("artifacts cannot fall back");
        }
    }

    @Nested
    class Visibility {
        @Test
        void branchStepReadOutsideItsBranch() {
            var e = failure(p -> {
                var gate = p.step("gate", new Source());
                var inside = p.when(gate.out(Source.FLAG).isTrue(), branch -> branch.step("inside", new Source()))
                        .then();
                p.step("reader", new Echo()).with(Echo.TEXT, inside.out(Source.TEXT));
            });
            assertWhere(e, "reader");
            assertThat(e.getMessage())
                    .contains(
                            "input 'text' reads output 'text' of step 'inside'",
                            "not upstream",
                            "a step in a branch may be skipped");
        }

        @Test
        void thenStepReadInTheOtherwiseBranch() {
            var e = failure(p -> {
                var gate = p.step("gate", new Source());
                var branch = p.when(gate.out(Source.FLAG).isTrue(), b -> b.step("inside", new Source()));
                branch.otherwise(b -> b.step("reader", new Echo())
                        .with(Echo.TEXT, branch.then().out(Source.TEXT)));
            });
            assertWhere(e, "reader");
            assertThat(e.getMessage()).contains("step 'inside'", "a when branch");
        }

        @Test
        void branchStepReadByAConditionOutsideIt() {
            var e = failure(p -> {
                var gate = p.step("gate", new Source());
                var inside = p.when(gate.out(Source.FLAG).isTrue(), branch -> branch.step("inside", new Source()))
                        .then();
                p.when(inside.out(Source.SCORE).atLeast(0.5), branch -> branch.step("late", new Noop()));
            });
            assertWhere(e, null);
            assertThat(e.getMessage()).contains("a condition reads output 'score' of step 'inside'");
        }

        @Test
        void loopBodyStepReadOutsideTheLoop() {
            var e = failure(p -> {
                var inside = p.forEach("each", List.of(1, 2), (body, item) -> body.step("inside", new Source()))
                        .body();
                p.step("reader", new Echo()).with(Echo.TEXT, inside.out(Source.TEXT));
            });
            assertWhere(e, "reader");
            assertThat(e.getMessage()).contains("output 'text' of step 'inside'", "loop 'each'", "Loop.collect(...)");
        }

        @Test
        void exitHandlerStepReadByTheMainGraph() {
            var e = failure(p -> {
                var notify = new AtomicReference<Step<Source>>();
                p.onExit(exit -> notify.set(exit.step("notify", new Source())));
                p.step("reader", new Echo()).with(Echo.TEXT, notify.get().out(Source.TEXT));
            });
            assertWhere(e, "reader");
            assertThat(e.getMessage()).contains("output 'text' of step 'notify'", "exit-handler steps run last");
        }

        @Test
        void mainStepReadByTheExitHandler() {
            var e = failure(p -> {
                var source = p.step("source", new Source());
                p.onExit(exit -> exit.step("notify", new Echo()).with(Echo.TEXT, source.out(Source.TEXT)));
            });
            assertWhere(e, "notify");
            assertThat(e.getMessage()).contains("output 'text' of step 'source'", "not upstream");
        }

        @Test
        void loopItemUsedOutsideItsLoop() {
            var e = failure(p -> {
                var leaked = p.forEach("each", List.of("a", "b"), (body, item) -> {
                            body.step("inner", new Echo()).with(Echo.TEXT, item);
                            return item;
                        })
                        .body();
                p.step("reader", new Echo()).with(Echo.TEXT, leaked);
            });
            assertWhere(e, "reader");
            assertThat(e.getMessage()).contains("reads the item of loop 'each' outside that loop's body");
        }

        @Test
        void loopItemUsedInAnotherLoop() {
            var e = failure(p -> {
                var leaked = p.forEach("first", List.of("a"), (body, item) -> {
                            body.step("one", new Noop());
                            return item;
                        })
                        .body();
                p.forEach(
                        "second",
                        List.of("b"),
                        (body, item) -> body.step("two", new Echo()).with(Echo.TEXT, leaked));
            });
            assertWhere(e, "two");
            assertThat(e.getMessage()).contains("item of loop 'first'");
        }

        @Test
        void statusOutsideTheExitHandler() {
            var e = failure(p -> p.step("reader", new Echo()).with(Echo.TEXT, p.status()));
            assertWhere(e, "reader");
            assertThat(e.getMessage())
                    .contains("reads the pipeline status", "read status() in a step added inside onExit");
        }

        @Test
        void statusInAMainGraphCondition() {
            var e = failure(p -> p.when(p.status().isEqualTo("Failed"), branch -> branch.step("alert", new Noop())));
            assertThat(e.getMessage()).contains("a condition reads the pipeline status");
        }

        @Test
        void loopItemsFromABranchStep() {
            var e = failure(p -> {
                var gate = p.step("gate", new Source());
                var inside = p.when(gate.out(Source.FLAG).isTrue(), branch -> branch.step("inside", new Source()))
                        .then();
                p.forEach("each", inside.out(Source.SCORES), (body, item) -> body.step("inner", new Noop()));
            });
            assertWhere(e, "each");
            assertThat(e.getMessage()).contains("the loop's items reads output 'scores' of step 'inside'");
        }
    }

    @Nested
    class Params {
        @Test
        void paramDeclaredInASubPipeline() {
            var e = failure(p -> p.step("sub", new Fixtures.DeclaresParam()));
            assertWhere(e, "sub");
            assertThat(e.getMessage())
                    .contains("in sub-pipeline", "param 'threshold' must be declared at the top level");
        }

        @Test
        void subPipelineReadingAPipelineParam() {
            LeaksParam.leaked.set(null);
            var e = failure(p -> {
                LeaksParam.leaked.set(p.param("greeting", "hello"));
                p.step("sub", new LeaksParam());
            });
            assertWhere(e, "sub");
            assertThat(e.getMessage())
                    .contains("reads pipeline parameter 'greeting'", "declare an Input on the sub-pipeline");
        }

        @Test
        void paramDeclaredInABranch() {
            var e = failure(p -> {
                var gate = p.step("gate", new Source());
                p.when(gate.out(Source.FLAG).isTrue(), branch -> branch.param("late", 1));
            });
            assertThat(e.getMessage()).contains("param 'late' must be declared at the top level");
        }

        @Test
        void paramDeclaredInALoop() {
            var e = failure(p -> p.forEach("each", List.of(1), (body, item) -> body.param("late", 1)));
            assertThat(e.getMessage()).contains("param 'late' must be declared at the top level");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "1st", "has space", "dots.not.allowed"})
        void invalidParamName(String name) {
            var e = failure(p -> p.param(name, 1));
            assertThat(e.getMessage()).contains("invalid parameter name '" + name + "'");
        }

        @Test
        void duplicateParam() {
            var e = failure(p -> {
                p.param("rate", 0.1);
                p.param("rate", 0.2);
            });
            assertThat(e.getMessage()).contains("duplicate parameter 'rate'");
        }

        @Test
        void artifactParam() {
            var e = failure(p -> p.param("data", Dataset.class));
            assertThat(e.getMessage()).contains("parameter 'data' has artifact type Dataset");
        }

        @Test
        void collectionParamWithoutElementType() {
            var e = failure(p -> p.param("rates", List.of(0.1, 0.2)));
            assertThat(e.getMessage()).contains("collection parameters need their element type");
        }

        @Test
        void requiredParamOnAScheduledPipeline() {
            var e = failure(Pipeline.named("demo").schedule(Schedule.cron("0 3 * * *")), p -> {
                Param<String> source = p.param("source", String.class);
                p.step("echo", new Echo()).with(Echo.TEXT, source);
            });
            assertWhere(e, null);
            assertThat(e.getMessage())
                    .contains("scheduled pipelines run unattended", "parameter 'source' needs a default value");
        }
    }

    @Nested
    class Schedules {
        @Test
        void invalidCronNamesTheExpressionAndTheProblem() {
            var e = failure(Pipeline.named("demo").schedule(Schedule.cron("0 3 * *")), p -> p.step("a", new Noop()));
            assertWhere(e, null);
            assertThat(e.getMessage())
                    .contains(
                            "invalid cron schedule '0 3 * *': it has 4 fields, not 5", "\"0 3 * * *\" for 03:00 daily");
        }

        @Test
        void everyExpressionOfTheScheduleIsChecked() {
            var e = failure(
                    Pipeline.named("demo").schedule(Schedule.cron("0 3 * * *", "0 25 * * *")),
                    p -> p.step("a", new Noop()));
            assertThat(e.getMessage()).contains("'0 25 * * *'", "the hour field '25' has a value outside 0-23");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Mars/Olympus", "CEST", "+02:00", "UTC+1", "europe/berlin"})
        void unknownTimezone(String zone) {
            var e = failure(
                    Pipeline.named("demo").schedule(Schedule.cron("@daily").timezone(zone)),
                    p -> p.step("a", new Noop()));
            assertThat(e.getMessage()).contains("unknown schedule timezone '" + zone + "'", "IANA name");
        }

        @ParameterizedTest
        @ValueSource(strings = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"})
        void ianaTimezones(String zone) {
            var plan = Pipeline.named("demo")
                    .schedule(Schedule.cron("@daily").timezone(zone))
                    .define(p -> p.step("a", new Noop()))
                    .plan();
            assertThat(plan.schedule())
                    .hasValueSatisfying(s -> assertThat(s.timezone()).isEqualTo(zone));
        }
    }

    @Nested
    class Classes {
        @Test
        void anonymousComponent() {
            var e = failure(p -> p.step("anon", new Fixtures.Extensible() {}));
            assertWhere(e, "anon");
            assertThat(e.getMessage()).contains("anonymous or local class", "public top-level or static nested class");
        }

        @Test
        void localComponent() {
            final class Local extends Component {
                @Override
                protected void run(StepContext ctx) {}
            }
            var e = failure(p -> p.step("local", new Local()));
            assertThat(e.getMessage()).contains("anonymous or local class");
        }

        @Test
        void packagePrivateComponent() {
            var e = failure(p -> p.step("hidden", new Fixtures.PackagePrivate()));
            assertWhere(e, "hidden");
            assertThat(e.getMessage())
                    .contains("Fixtures$PackagePrivate must be a public top-level or public static nested class");
        }

        @Test
        void innerComponent() {
            var e = failure(p -> p.step("inner", Fixtures.inner()));
            assertThat(e.getMessage())
                    .contains("Fixtures$Inner must be a public top-level or public static nested class");
        }

        @Test
        void componentDeclaringTwoInputsWithOneName() {
            var e = failure(p -> p.step("twice", new Fixtures.DuplicatePortNames()));
            assertWhere(e, "twice");
            assertThat(e.getMessage()).contains("declares two inputs named 'x'");
        }

        @Test
        void componentWithoutANoArgumentConstructor() {
            var e = failure(p -> p.step("needs", new Fixtures.NeedsArgument(1)));
            assertWhere(e, "needs");
            assertThat(e.getMessage()).contains("needs a public no-argument constructor");
        }
    }

    @Nested
    class Conditions {
        @Test
        void orderingStrings() {
            var e = failure(p -> {
                var source = p.step("source", new Source());
                p.when(source.out(Source.TEXT).atLeast("m"), branch -> branch.step("late", new Noop()));
            });
            assertWhere(e, null);
            assertThat(e.getMessage()).contains("Cannot order String values with >=", "use isEqualTo");
        }

        @Test
        void isTrueOnANumber() {
            var e = failure(p -> {
                var source = p.step("source", new Source());
                p.when(source.out(Source.SCORE).isTrue(), branch -> branch.step("late", new Noop()));
            });
            assertThat(e.getMessage()).contains("isTrue() needs a Boolean value, got Double");
        }

        @Test
        void equalityOnAList() {
            var e = failure(p -> {
                var source = p.step("source", new Source());
                p.when(source.out(Source.SCORES).isEqualTo(List.of(1.0)), branch -> branch.step("late", new Noop()));
            });
            assertThat(e.getMessage()).contains("Cannot compare List<Double> values");
        }
    }

    @Nested
    class Loops {
        @Test
        void emptyItemList() {
            var e = failure(p -> p.forEach("each", List.<Integer>of(), (body, item) -> body.step("inner", new Noop())));
            assertWhere(e, "each");
            assertThat(e.getMessage()).contains("loop over an empty list");
        }

        @Test
        void emptyItemListWithExplicitType() {
            var e = failure(p -> p.forEach(
                    "each", ValueType.of(Integer.class), List.of(), (body, item) -> body.step("inner", new Noop())));
            assertThat(e.getMessage()).contains("loop over an empty list");
        }

        @Test
        void bodyWithoutSteps() {
            var e = failure(p -> p.forEach("each", List.of(1, 2), (body, item) -> null));
            assertWhere(e, "each");
            assertThat(e.getMessage()).contains("the loop body adds no steps");
        }

        @Test
        void itemsOfMixedTypes() {
            List<Object> items = List.of(1, "two");
            var e = failure(p -> p.forEach("each", items, (body, item) -> body.step("inner", new Noop())));
            assertThat(e.getMessage()).contains("loop items must all be non-null values of one type");
        }

        @Test
        void nullItem() {
            var e = failure(
                    p -> p.forEach("each", Arrays.asList(null, 1), (body, item) -> body.step("inner", new Noop())));
            assertWhere(e, "each");
            assertThat(e.getMessage()).contains("loop items must all be non-null values of one type; found null");
        }

        @Test
        void parallelismBelowOne() {
            var e = failure(p -> p.forEach("each", List.of(1), (body, item) -> body.step("inner", new Noop()))
                    .parallelism(0));
            assertWhere(e, "each");
            assertThat(e.getMessage()).contains("parallelism must be at least 1, got 0");
        }

        @Test
        void collectAnArtifact() {
            var e = failure(p -> {
                var source = p.step("source", new Source());
                p.forEach(
                                "each",
                                List.of(1, 2),
                                (body, epochs) -> body.step("train", new Train())
                                        .with(Train.DATA, source.out(Source.DATA))
                                        .with(Train.EPOCHS, epochs))
                        .collect(Train.MODEL);
            });
            assertWhere(e, "each");
            assertThat(e.getMessage()).contains("collect(\"train\", model)", "artifacts cannot be collected");
        }

        /** The list would drop the iterations where the step was skipped, so it would no longer line up with the items. */
        @Test
        void collectFromAStepThatRunsOnlyInSomeIterations() {
            var e = failure(p -> {
                var source = p.step("source", new Source());
                var each = p.forEach(
                        "each",
                        List.of(1, 2),
                        (body, epochs) -> body.when(
                                        source.out(Source.SCORE).atLeast(0.5),
                                        b -> b.step("train", new Train())
                                                .with(Train.DATA, source.out(Source.DATA))
                                                .with(Train.EPOCHS, epochs))
                                .then());
                each.collect(Train.ACCURACY);
            });
            assertWhere(e, "each");
            assertThat(e.getMessage())
                    .contains(
                            "step 'train' runs only in the iterations where its condition holds",
                            "would not line up with the items",
                            ".orElse(");
        }

        @Test
        void collectAValueThatIsNotABodyStepsOutput() {
            var e = failure(p -> {
                var source = p.step("source", new Source());
                p.forEach("each", List.of(1), (body, item) -> body.step("inner", new Noop()))
                        .collect(source.out(Source.TEXT));
            });
            assertThat(e.getMessage()).contains("comes from step 'source', which is not in the body of loop 'each'");
        }

        @Test
        void collectByOutputWhenTheBodyReturnsNoStep() {
            var e = failure(p -> p.forEach("each", List.of(1), (body, item) -> {
                        body.step("inner", new Source());
                        return item;
                    })
                    .collect(Source.TEXT));
            assertThat(e.getMessage()).contains("collect(text) reads the step the loop body returns", "returned Value");
        }

        @Test
        @SuppressWarnings("deprecation")
        void collectFromAnUnknownStep() {
            var e = failure(p -> p.forEach("each", List.of(1), (body, item) -> body.step("inner", new Source()))
                    .collect("missing", Source.TEXT));
            assertWhere(e, "each");
            assertThat(e.getMessage()).contains("the loop body has no step named 'missing'", "its steps are [inner]");
        }

        @Test
        void collectAnOutputTheStepDoesNotHave() {
            var e = failure(p -> p.forEach("each", List.of(1), (body, item) -> body.step("inner", new Source()))
                    .collect(Echo.RESULT));
            assertThat(e.getMessage()).contains("is not an output of Source");
        }

        @Test
        @SuppressWarnings("deprecation")
        void collectFromANestedLoop() {
            var e = failure(p -> p.forEach(
                            "outer",
                            List.of(1),
                            (body, item) ->
                                    body.forEach("nested", List.of(2), (inner, x) -> inner.step("leaf", new Source())))
                    .collect("nested", Source.TEXT));
            assertThat(e.getMessage()).contains("'nested' is a loop; collect from a step");
        }
    }

    @Nested
    class SubPipelines {
        @Test
        void outputNeverSet() {
            var e = failure(p -> p.step("sub", new Fixtures.Forgetful()));
            assertWhere(e, "sub");
            assertThat(e.getMessage())
                    .contains("sub-pipeline Forgetful never sets output 'result'", "dag.output(RESULT, ...)");
        }

        @Test
        void noSteps() {
            var e = failure(p -> p.step("sub", new Fixtures.Empty()));
            assertWhere(e, "sub");
            assertThat(e.getMessage()).contains("sub-pipeline Empty adds no steps");
        }

        @Test
        void inputOutsideASubPipeline() {
            var e = failure(p -> p.step("echo", new Echo()).with(Echo.TEXT, p.input(Fixtures.Relay.TEXT)));
            assertThat(e.getMessage()).contains("input(text) is only available inside a SubPipeline's define()");
        }

        @Test
        void subPipelineContainingItself() {
            var e = failure(p -> p.step("sub", new Fixtures.CallsItself()));
            assertWhere(e, "sub");
            assertThat(e.getMessage()).contains("step 'again'", "sub-pipeline CallsItself uses itself");
        }

        @Test
        void outputSetTwice() {
            var e = failure(p -> p.step("sub", new Fixtures.SetsOutputTwice()));
            assertThat(e.getMessage()).contains("output 'result' is set twice");
        }

        @Test
        void outputTheSubPipelineDoesNotDeclare() {
            var e = failure(p -> p.step("sub", new Fixtures.SetsForeignOutput()));
            assertThat(e.getMessage()).contains("Output<String>(summary) is not declared by SetsForeignOutput");
        }

        @Test
        void outputSetInsideABranch() {
            var e = failure(p -> p.step("sub", new Fixtures.SetsOutputInABranch()));
            assertThat(e.getMessage()).contains("output(result) must be set at the top level of the sub-pipeline");
        }

        @Test
        void onExitInsideASubPipeline() {
            var e = failure(p -> p.step("sub", new ExitsEarly()));
            assertWhere(e, "sub");
            assertThat(e.getMessage()).contains("onExit must be called at the top level");
        }
    }

    @Nested
    class Structure {
        @Test
        void pipelineWithoutSteps() {
            var e = failure(p -> {});
            assertWhere(e, null);
            assertThat(e.getMessage()).contains("the pipeline adds no steps");
        }

        @Test
        void twoExitHandlers() {
            var e = failure(p -> {
                p.step("a", new Noop());
                p.onExit(exit -> exit.step("one", new Noop()));
                p.onExit(exit -> exit.step("two", new Noop()));
            });
            assertThat(e.getMessage()).contains("already has an exit handler");
        }

        @Test
        void emptyExitHandler() {
            var e = failure(p -> {
                p.step("a", new Noop());
                p.onExit(exit -> {});
            });
            assertThat(e.getMessage()).contains("the exit handler adds no steps");
        }

        @Test
        void onExitInsideABranch() {
            var e = failure(p -> {
                var gate = p.step("gate", new Source());
                p.when(gate.out(Source.FLAG).isTrue(), branch -> {
                    branch.onExit(exit -> exit.step("x", new Noop()));
                    return null;
                });
            });
            assertThat(e.getMessage()).contains("onExit must be called at the top level");
        }

        @Test
        void secondOtherwise() {
            var e = failure(p -> {
                var gate = p.step("gate", new Source());
                var branch = p.when(gate.out(Source.FLAG).isTrue(), b -> b.step("yes", new Noop()));
                branch.otherwise(b -> b.step("no", new Noop()));
                branch.otherwise(b -> b.step("never", new Noop()));
            });
            assertThat(e.getMessage()).contains("at most one otherwise(...)");
        }
    }

    @Nested
    class Settings {
        @Test
        void invalidQuantityOnAStepNamesTheStep() {
            var e = failure(p -> p.step("train", new Noop()).memory("lots"));
            assertWhere(e, "train");
            assertThat(e.getMessage()).contains("Invalid memory quantity 'lots'");
        }

        @Test
        void invalidSettingInDefaults() {
            var e = assertThrows(
                    PipelineDefinitionException.class,
                    () -> Pipeline.named("demo").defaults(d -> d.cpu("two cores")));
            assertWhere(e, null);
            assertThat(e.getMessage()).contains("in defaults", "Invalid cpu quantity 'two cores'");
        }

        @Test
        void reservedEnvironmentVariable() {
            var e = failure(p -> p.step("train", new Noop()).env("FERMION_STEP", "x"));
            assertWhere(e, "train");
            assertThat(e.getMessage()).contains("reserved FERMION_ prefix");
        }
    }

    @Nested
    class AfterDefine {
        private final AtomicReference<Dag> dag = new AtomicReference<>();
        private final AtomicReference<Step<Echo>> step = new AtomicReference<>();
        private final AtomicReference<Loop<?>> loop = new AtomicReference<>();

        private void define() {
            Pipeline.named("demo").define(p -> {
                dag.set(p);
                step.set(p.step("echo", new Echo()).with(Echo.TEXT, "x"));
                loop.set(p.forEach("each", List.of(1), (body, item) -> body.step("inner", new Noop())));
            });
        }

        private void assertFrozen(Runnable change) {
            define();
            var e = assertThrows(PipelineDefinitionException.class, change::run);
            assertThat(e.getMessage()).contains("the pipeline is already defined");
        }

        @Test
        void addingAStep() {
            assertFrozen(() -> dag.get().step("late", new Noop()));
        }

        @Test
        void bindingAnInput() {
            assertFrozen(() -> step.get().with(Echo.TEXT, "y"));
        }

        @Test
        void addingAnAfter() {
            assertFrozen(() -> step.get().after(loop.get()));
        }

        @Test
        void configuringAStep() {
            assertFrozen(() -> step.get().memory("1Gi"));
        }

        @Test
        void declaringAParam() {
            assertFrozen(() -> dag.get().param("late", 1));
        }

        @Test
        void changingLoopParallelism() {
            assertFrozen(() -> loop.get().parallelism(2));
        }

        @Test
        void addingAnAfterToALoop() {
            assertFrozen(() -> loop.get().after(step.get()));
        }
    }

    /** Reads a pipeline parameter it can only reach through a static field, as a careless user might. */
    public static final class LeaksParam extends SubPipeline {
        static final AtomicReference<Param<String>> leaked = new AtomicReference<>();

        @Override
        protected void define(Dag dag) {
            dag.step("echo", new Echo()).with(Echo.TEXT, leaked.get());
        }
    }

    public static final class ExitsEarly extends SubPipeline {
        @Override
        protected void define(Dag dag) {
            dag.step("noop", new Noop());
            dag.onExit(exit -> exit.step("bye", new Noop()));
        }
    }
}
