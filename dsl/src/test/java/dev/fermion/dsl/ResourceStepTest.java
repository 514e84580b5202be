package dev.fermion.dsl;

import dev.fermion.dsl.ContainerFixtures.ResourceForgetsOutput;
import dev.fermion.dsl.ContainerFixtures.ResourceWithBraces;
import dev.fermion.dsl.ContainerFixtures.ResourceWithInput;
import dev.fermion.dsl.Fixtures.Echo;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Node;
import dev.fermion.plan.ResourceSpec;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Kubernetes-resource steps, the shared volume claim, and their misuse. */
class ResourceStepTest {

    private static PipelineDefinitionException failure(Consumer<Dag> body) {
        return assertThrows(PipelineDefinitionException.class, () -> Pipeline.named("demo").define(body));
    }

    @Test
    void aVolumeClaimIsACreateWhoseNameLaterStepsMount() {
        var plan = Pipeline.named("demo").define(p -> {
            var claim = p.step("scratch", new VolumeClaim("20Gi").storageClass("fast-ssd")
                    .accessMode(VolumeClaim.AccessMode.READ_WRITE_MANY).deletedWithWorkflow());
            p.step("echo", new Echo()).with(Echo.TEXT, "hi").mountClaim(claim.out(VolumeClaim.CLAIM_NAME), "/shared");
        }).plan();

        var scratch = (Node.ResourceNode) plan.graph().node("scratch").orElseThrow();
        ResourceSpec spec = scratch.resource();
        assertThat(spec.action()).isEqualTo(ResourceSpec.Action.CREATE);
        assertThat(spec.manifest()).contains("kind: PersistentVolumeClaim", "generateName: fermion-", "- ReadWriteMany",
                "storage: \"20Gi\"", "storageClassName: fast-ssd");
        assertThat(spec.ownedByWorkflow()).isTrue();
        assertThat(spec.outputs()).containsExactly(Map.entry("claim-name", "{.metadata.name}"));
        assertThat(scratch.options().cachingEnabled()).isFalse();

        var echo = (Node.StepNode) plan.graph().node("echo").orElseThrow();
        assertThat(echo.dependencies()).as("mounting the claim waits for it").containsExactly("scratch");
        assertThat(echo.options().volumes()).containsExactly(new VolumeMount.ClaimFromValue(
                new Expr.StepOutput("scratch", "claim-name", ValueType.of(String.class)), "/shared", false));
    }

    @Test
    void anObjectDeletedAtTheEndIsCreatedOncePerRun() {
        var e = failure(p -> p.forEach("each", java.util.List.of(1, 2), (body, item) ->
                body.step("scratch", new VolumeClaim("1Gi").deletedAtEnd())));
        assertThat(e.getMessage()).contains("step 'scratch'", "created once per run", "not inside a loop");
        var delete = assertThrows(IllegalArgumentException.class, () -> ResourceCommand.delete("x").deletedAtEnd());
        assertThat(delete.getMessage()).contains("not the object of a delete");
        var plan = Pipeline.named("demo").define(p -> p.step("scratch", new VolumeClaim("1Gi").deletedAtEnd())).plan();
        assertThat(((Node.ResourceNode) plan.graph().node("scratch").orElseThrow()).resource().deletedAtEnd()).isTrue();
    }

    @Test
    void aResourceStepCannotDeclareInputs() {
        var e = failure(p -> p.step("make", new ResourceWithInput()));
        assertThat(e.getMessage()).contains("step 'make'", "declares inputs [name]", "manifest is fixed text");
    }

    @Test
    void everyOutputOfAResourceStepIsReadFromTheObject() {
        var e = failure(p -> p.step("make", new ResourceForgetsOutput()));
        assertThat(e.getMessage()).contains("step 'make'", "output 'uid' is never read", ".output(UID, \"{.metadata.name}\")");
    }

    @Test
    void aManifestCannotHoldArgoExpressions() {
        var e = failure(p -> p.step("make", new ResourceWithBraces()));
        assertThat(e.getMessage()).contains("step 'make'", "the manifest contains '{{' or '}}'");
    }

    @Test
    void resourceSettingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new VolumeClaim("lots"));
        assertThrows(IllegalArgumentException.class, () -> new VolumeClaim("1Gi").storageClass("Fast SSD"));
        assertThrows(IllegalArgumentException.class, () -> ResourceCommand.patch("x", "replace"));
        var e = assertThrows(IllegalArgumentException.class, () -> ResourceCommand.create("x").successWhen(" "));
        assertThat(e.getMessage()).contains("status.phase == Bound");
        e = assertThrows(IllegalArgumentException.class, () -> ResourceCommand.create("x").output(VolumeClaim.CLAIM_NAME, ".metadata.name"));
        assertThat(e.getMessage()).contains("not a JSONPath template", "{.metadata.name}");
    }

    @Test
    void aClaimMustBeReadWhereItIsVisible() {
        var e = failure(p -> {
            var loop = p.forEach("each", java.util.List.of(1, 2), (body, item) ->
                    body.step("scratch", new VolumeClaim("1Gi")));
            p.step("echo", new Echo()).with(Echo.TEXT, "x").mountClaim(
                    new Value<>(new Expr.StepOutput("scratch", "claim-name", ValueType.of(String.class)),
                            ValueType.of(String.class), loop.model().bodyScope), "/shared");
        });
        assertThat(e.getMessage()).contains("step 'echo'", "mountClaim(..., \"/shared\") reads output 'claim-name' of step 'scratch'");
    }
}
