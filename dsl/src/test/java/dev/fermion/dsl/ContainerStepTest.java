package dev.fermion.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fermion.dsl.ContainerFixtures.BracesInScript;
import dev.fermion.dsl.ContainerFixtures.ForeignPort;
import dev.fermion.dsl.ContainerFixtures.ForgetsOutput;
import dev.fermion.dsl.ContainerFixtures.Resize;
import dev.fermion.dsl.ContainerFixtures.ScriptWithArgs;
import dev.fermion.dsl.ContainerFixtures.UsesOptional;
import dev.fermion.dsl.ContainerFixtures.ValueOfArtifact;
import dev.fermion.dsl.Fixtures.Source;
import dev.fermion.plan.ContainerSpec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Node;
import dev.fermion.types.ValueType;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Container and script steps: their plan nodes, and every misuse reported with pipeline, step and fix. */
class ContainerStepTest {

    private static PipelineDefinitionException failure(Consumer<Dag> body) {
        return assertThrows(
                PipelineDefinitionException.class, () -> Pipeline.named("demo").define(body));
    }

    @Test
    void aContainerStepBecomesAContainerNodeWithTypedPlaceholders() {
        var plan = Pipeline.named("demo")
                .defaults(d -> d.image("ghcr.io/acme/fermion-runtime:2"))
                .define(p -> {
                    var source = p.step("source", new Source());
                    p.step("resize", new Resize())
                            .with(Resize.IMAGES, source.out(Source.DATA))
                            .memory("1Gi");
                })
                .plan();

        var node = (Node.ContainerNode) plan.graph().node("resize").orElseThrow();
        assertThat(node.dependencies()).containsExactly("source");
        assertThat(node.bindings()).containsOnlyKeys("width", "images");
        assertThat(node.bindings().get("width")).isEqualTo(new Expr.Literal(ValueType.of(Integer.class), 224));
        assertThat(node.image())
                .as("the pipeline's default image is for Java steps")
                .isEqualTo("ghcr.io/acme/resize:1.4");
        assertThat(node.options().memoryLimit()).isEqualTo("1Gi");
        assertThat(node.options().cachingEnabled()).isTrue();
        ContainerSpec spec = node.container();
        assertThat(spec.isScript()).isFalse();
        assertThat(spec.command()).containsExactly(ContainerSpec.Word.text("resize"));
        assertThat(spec.args())
                .containsExactly(
                        ContainerSpec.Word.text("--width"),
                        new ContainerSpec.Word(List.of(new ContainerSpec.Part.InputValue("width"))),
                        new ContainerSpec.Word(List.of(
                                new ContainerSpec.Part.Text("--in="), new ContainerSpec.Part.InputPath("images"))),
                        ContainerSpec.Word.text("--out"),
                        new ContainerSpec.Word(List.of(new ContainerSpec.Part.OutputPath("resized"))));
        assertThat(spec.env())
                .containsEntry(
                        "COUNT_FILE", new ContainerSpec.Word(List.of(new ContainerSpec.Part.OutputPath("count"))));
        assertThat(node.component().className()).isEqualTo(Resize.class.getName());
    }

    @Test
    void anImageSetOnTheStepReplacesTheCommandsImage() {
        var plan = Pipeline.named("demo")
                .define(p -> {
                    var source = p.step("source", new Source());
                    p.step("resize", new Resize())
                            .with(Resize.IMAGES, source.out(Source.DATA))
                            .image("mirror.local/resize:1.4");
                })
                .plan();

        assertThat(((Node.ContainerNode) plan.graph().node("resize").orElseThrow()).image())
                .isEqualTo("mirror.local/resize:1.4");
    }

    @Test
    void theCacheDigestChangesWithTheCommandAndNotOtherwise() {
        ContainerSpec spec = new Resize().containerSpec();
        ContainerSpec same = new Resize().containerSpec();
        ContainerSpec otherImage =
                new ContainerSpec("ghcr.io/acme/resize:1.5", spec.command(), spec.args(), spec.env(), null);
        ContainerSpec asScript = new ContainerSpec(spec.image(), spec.command(), spec.args(), spec.env(), "print(1)");

        assertThat(same.digest()).isEqualTo(spec.digest()).hasSize(16);
        assertThat(otherImage.digest()).isNotEqualTo(spec.digest());
        assertThat(asScript.digest()).isNotEqualTo(spec.digest());
    }

    @Test
    void anOutputNeverHandedToTheCommand() {
        var e = failure(p -> p.step("count", new ForgetsOutput()));
        assertThat(e.step()).isEqualTo("count");
        assertThat(e.getMessage())
                .contains("output 'count' of ForgetsOutput is never handed to the command", "p.outputPath(COUNT)");
    }

    @Test
    void anUnboundOptionalInputInTheCommand() {
        var e = failure(p -> p.step("echo", new UsesOptional()));
        assertThat(e.getMessage()).contains("step 'echo'", "uses input 'note'", ".with(UsesOptional.NOTE, ...)");
        Pipeline.named("demo").define(p -> p.step("echo", new UsesOptional()).with(UsesOptional.NOTE, "hi"));
    }

    @Test
    void theValueOfAnArtifact() {
        var e = failure(p -> {
            var source = p.step("source", new Source());
            p.step("list", new ValueOfArtifact()).with(ValueOfArtifact.DATA, source.out(Source.DATA));
        });
        assertThat(e.getMessage()).contains("step 'list'", "input 'data' is an artifact", "p.path(DATA)");
    }

    @Test
    void aPortOfAnotherDefinition() {
        var e = failure(p -> p.step("echo", new ForeignPort()));
        assertThat(e.getMessage()).contains("step 'echo'", "Input<Integer>(width) is not an input of ForeignPort");
    }

    @Test
    void bracesInAScriptWouldBeEvaluatedByArgo() {
        var e = failure(p -> p.step("print", new BracesInScript()));
        assertThat(e.getMessage()).contains("step 'print'", "the script source contains '{{' or '}}'", "p.value(...)");
    }

    @Test
    void aScriptTakesNoArguments() {
        var e = failure(p -> p.step("print", new ScriptWithArgs()));
        assertThat(e.getMessage()).contains("step 'print'", "a script takes no arguments", "env(NAME, p.value(...))");
    }

    @Test
    void theCommandsSettingsAreChecked() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ContainerCommand.image("alpine").env("FERMION_X", "1"));
        assertThrows(
                IllegalArgumentException.class,
                () -> ContainerCommand.image("alpine").env("1X", "1"));
        assertThrows(
                IllegalArgumentException.class,
                () -> ContainerCommand.image("alpine").env("X", "1").env("X", "2"));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> ContainerCommand.image("my image").toSpec());
        assertThat(e.getMessage()).contains("invalid image 'my image'");
        e = assertThrows(
                IllegalArgumentException.class,
                () -> ContainerCommand.image("alpine").arg("{{workflow.name}}").toSpec());
        assertThat(e.getMessage()).contains("an argument contains '{{'");
    }
}
