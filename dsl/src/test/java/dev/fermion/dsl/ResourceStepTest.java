package dev.fermion.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fermion.dsl.ContainerFixtures.ResourceForgetsOutput;
import dev.fermion.dsl.ContainerFixtures.ResourceNamingAnother;
import dev.fermion.dsl.ContainerFixtures.ResourceWithBraces;
import dev.fermion.dsl.ContainerFixtures.ResourceWithInput;
import dev.fermion.dsl.Fixtures.Echo;
import dev.fermion.plan.Expr;
import dev.fermion.plan.ManifestField;
import dev.fermion.plan.Node;
import dev.fermion.plan.ResourceSpec;
import dev.fermion.plan.VolumeMount;
import dev.fermion.types.ValueType;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Kubernetes-resource steps, the shared volume claim, and their misuse. */
class ResourceStepTest {

    private static PipelineDefinitionException failure(Consumer<Dag> body) {
        return assertThrows(
                PipelineDefinitionException.class, () -> Pipeline.named("demo").define(body));
    }

    @Test
    void aVolumeClaimIsACreateWhoseNameLaterStepsMount() {
        var plan = Pipeline.named("demo")
                .define(p -> {
                    var claim = p.step(
                            "scratch",
                            new VolumeClaim("20Gi")
                                    .storageClass("fast-ssd")
                                    .accessMode(VolumeClaim.AccessMode.READ_WRITE_MANY)
                                    .deletedWithWorkflow());
                    p.step("echo", new Echo())
                            .with(Echo.TEXT, "hi")
                            .mountClaim(claim.out(VolumeClaim.CLAIM_NAME), "/shared");
                })
                .plan();

        var scratch = (Node.ResourceNode) plan.graph().node("scratch").orElseThrow();
        ResourceSpec spec = scratch.resource();
        assertThat(spec.action()).isEqualTo(ResourceSpec.Action.CREATE);
        assertThat(spec.manifest())
                .contains(
                        "kind: PersistentVolumeClaim",
                        "generateName: fermion-",
                        "- ReadWriteMany",
                        "storage: \"20Gi\"",
                        "storageClassName: fast-ssd");
        assertThat(spec.ownedByWorkflow()).isTrue();
        assertThat(spec.outputs()).containsExactly(Map.entry("claim-name", "{.metadata.name}"));
        assertThat(scratch.options().cachingEnabled()).isFalse();

        var echo = (Node.StepNode) plan.graph().node("echo").orElseThrow();
        assertThat(echo.dependencies()).as("mounting the claim waits for it").containsExactly("scratch");
        assertThat(echo.options().volumes())
                .containsExactly(new VolumeMount.ClaimFromValue(
                        new Expr.StepOutput("scratch", "claim-name", ValueType.of(String.class)), "/shared", false));
    }

    @Test
    void anObjectDeletedAtTheEndIsCreatedOncePerRun() {
        var e = failure(p -> p.forEach(
                "each",
                java.util.List.of(1, 2),
                (body, item) -> body.step("scratch", new VolumeClaim("1Gi").deletedAtEnd())));
        assertThat(e.getMessage()).contains("step 'scratch'", "created once per run", "not inside a loop");
        var delete = assertThrows(
                IllegalArgumentException.class,
                () -> ResourceCommand.delete("x").deletedAtEnd());
        assertThat(delete.getMessage()).contains("not the object of a delete");
        var plan = Pipeline.named("demo")
                .define(p -> p.step("scratch", new VolumeClaim("1Gi").deletedAtEnd()))
                .plan();
        assertThat(((Node.ResourceNode) plan.graph().node("scratch").orElseThrow())
                        .resource()
                        .deletedAtEnd())
                .isTrue();
    }

    @Test
    void aSnapshotOfAClaimRestoresIntoANewClaim() {
        var plan = Pipeline.named("demo")
                .define(p -> {
                    var data = p.step("data", new VolumeClaim("10Gi"));
                    var fill = p.step("fill", new Echo())
                            .with(Echo.TEXT, "x")
                            .mountClaim(data.out(VolumeClaim.CLAIM_NAME), "/data");
                    var snap = p.step(
                                    "snapshot",
                                    new VolumeSnapshot()
                                            .snapshotClass("csi-snapclass")
                                            .deletedAtEnd())
                            .with(VolumeSnapshot.CLAIM, data.out(VolumeClaim.CLAIM_NAME))
                            .after(fill);
                    p.step("copy", new VolumeClaim("10Gi").fromSnapshot())
                            .with(VolumeClaim.SNAPSHOT, snap.out(VolumeSnapshot.SNAPSHOT_NAME));
                })
                .plan();

        var snapshot = (Node.ResourceNode) plan.graph().node("snapshot").orElseThrow();
        assertThat(snapshot.resource().manifest())
                .contains("kind: VolumeSnapshot", "volumeSnapshotClassName: csi-snapclass");
        assertThat(snapshot.resource().inputs())
                .containsExactly(Map.entry("claim", new ManifestField("{.spec.source.persistentVolumeClaimName}")));
        assertThat(snapshot.resource().successCondition()).isEqualTo("status.readyToUse == true");
        assertThat(snapshot.bindings())
                .containsExactly(
                        Map.entry("claim", new Expr.StepOutput("data", "claim-name", ValueType.of(String.class))));
        assertThat(snapshot.dependencies()).containsExactlyInAnyOrder("data", "fill");

        var copy = (Node.ResourceNode) plan.graph().node("copy").orElseThrow();
        assertThat(copy.resource().manifest()).contains("dataSource:", "kind: VolumeSnapshot");
        assertThat(copy.resource().inputs())
                .containsExactly(Map.entry("snapshot", new ManifestField("{.spec.dataSource.name}")));
        assertThat(copy.dependencies()).containsExactly("snapshot");
        var plain = (Node.ResourceNode) plan.graph().node("data").orElseThrow();
        assertThat(plain.resource().inputs()).isEmpty();
        assertThat(plain.resource().manifest()).doesNotContain("dataSource");
    }

    @Test
    void aRestoredClaimNeedsItsSnapshotAndAPlainClaimTakesNone() {
        var unbound = failure(p -> p.step("copy", new VolumeClaim("1Gi").fromSnapshot()));
        assertThat(unbound.getMessage())
                .contains(
                        "step 'copy'",
                        "writes input 'snapshot' into {.spec.dataSource.name}",
                        ".with(VolumeClaim.SNAPSHOT, ...)");
        var unused = failure(p -> p.step("copy", new VolumeClaim("1Gi")).with(VolumeClaim.SNAPSHOT, "nightly"));
        assertThat(unused.getMessage())
                .contains("step 'copy'", "input 'snapshot' is bound, but VolumeClaim does not write it");
    }

    @Test
    void resourceInputsTakeOnlyObjectNames() {
        var plan = Pipeline.named("demo")
                .define(p -> p.step("snap", new VolumeSnapshot()).with(VolumeSnapshot.CLAIM, "existing-claim.v2"))
                .plan();
        assertThat(((Node.ResourceNode) plan.graph().node("snap").orElseThrow()).bindings())
                .containsEntry("claim", new Expr.Literal(ValueType.of(String.class), "existing-claim.v2"));

        var yaml = failure(p -> p.step("snap", new VolumeSnapshot()).with(VolumeSnapshot.CLAIM, "x\nkind: Secret"));
        assertThat(yaml.getMessage())
                .contains("step 'snap'", "input 'claim' is 'x\nkind: Secret'", "not a Kubernetes object name");

        var param =
                failure(p -> p.step("snap", new VolumeSnapshot()).with(VolumeSnapshot.CLAIM, p.param("claim", "data")));
        assertThat(param.getMessage())
                .contains("step 'snap'", "takes only object names", "parameter 'claim' could hold any text");

        var javaOutput = failure(p -> {
            var echo = p.step("echo", new Echo()).with(Echo.TEXT, "x");
            p.step("snap", new VolumeSnapshot()).with(VolumeSnapshot.CLAIM, echo.out(Echo.RESULT));
        });
        assertThat(javaOutput.getMessage())
                .contains("output 'result' of step 'echo' could hold any text", "VolumeClaim.CLAIM_NAME");

        var notAName = failure(p -> {
            var other = p.step("other", new ResourceNamingAnother("{.metadata.labels.target}"))
                    .with(ResourceNamingAnother.TARGET, "a");
            p.step("snap", new VolumeSnapshot()).with(VolumeSnapshot.CLAIM, other.out(ResourceNamingAnother.UID));
        });
        assertThat(notAName.getMessage())
                .as("only {.metadata.name} is a name")
                .contains("output 'uid' of step 'other' could hold any text");
    }

    @Test
    void aResourceInputMustBeWrittenIntoTheManifest() {
        var e = failure(p -> p.step("make", new ResourceWithInput()).with(ResourceWithInput.NAME, "a"));
        assertThat(e.getMessage())
                .contains(
                        "step 'make'",
                        "input 'name' is never written into the manifest",
                        ".input(NAME, \"{.path.to.field}\")");
        var path = failure(p -> p.step("make", new ResourceNamingAnother("metadata.labels.target"))
                .with(ResourceNamingAnother.TARGET, "a"));
        assertThat(path.getMessage())
                .contains("step 'make'", "input 'target': 'metadata.labels.target' is not a field path");
    }

    @Test
    void everyOutputOfAResourceStepIsReadFromTheObject() {
        var e = failure(p -> p.step("make", new ResourceForgetsOutput()));
        assertThat(e.getMessage())
                .contains("step 'make'", "output 'uid' is never read", ".output(UID, \"{.metadata.name}\")");
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
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> ResourceCommand.create("x").successWhen(" "));
        assertThat(e.getMessage()).contains("status.phase == Bound");
        e = assertThrows(
                IllegalArgumentException.class,
                () -> ResourceCommand.create("x").output(VolumeClaim.CLAIM_NAME, ".metadata.name"));
        assertThat(e.getMessage()).contains("not a JSONPath template", "{.metadata.name}");
    }

    @Test
    void aClaimMustBeReadWhereItIsVisible() {
        var e = failure(p -> {
            var loop = p.forEach(
                    "each", java.util.List.of(1, 2), (body, item) -> body.step("scratch", new VolumeClaim("1Gi")));
            p.step("echo", new Echo())
                    .with(Echo.TEXT, "x")
                    .mountClaim(
                            new Value<>(
                                    new Expr.StepOutput("scratch", "claim-name", ValueType.of(String.class)),
                                    ValueType.of(String.class),
                                    loop.model().bodyScope),
                            "/shared");
        });
        assertThat(e.getMessage())
                .contains("step 'echo'", "mountClaim(..., \"/shared\") reads output 'claim-name' of step 'scratch'");
    }
}
