package dev.fermion.runtime.container;

import static dev.fermion.runtime.container.ResourceFixtures.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fermion.dsl.Definition;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.ResourceCommand;
import dev.fermion.dsl.VolumeClaim;
import dev.fermion.dsl.VolumeSnapshot;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.runtime.container.ResourceFixtures.Named;
import dev.fermion.runtime.container.ResourceFixtures.Silent;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resource steps against fabric8's mock API server in CRUD mode, which stores objects like a real one. */
@EnableKubernetesMockClient(crud = true)
class ResourceStepRunnerTest {
    KubernetesClient client;
    KubernetesMockServer server;

    @TempDir
    Path home;

    @Test
    void aVolumeClaimIsCreatedWithAGeneratedNameAndDeletedWithTheRun() {
        ResourceStepRunner runner = new ResourceStepRunner(client);
        Node.ResourceNode node = node(
                "scratch",
                new VolumeClaim("5Gi")
                        .storageClass("fast-ssd")
                        .accessMode(VolumeClaim.AccessMode.READ_WRITE_MANY)
                        .deletedWithWorkflow());

        ResourceStepResult result = runner.run("shared", node);

        assertThat(result.succeeded()).as(result.message()).isTrue();
        String claim = result.params().get("claim-name");
        assertThat(claim).startsWith("fermion-").isEqualTo(result.objectName());
        PersistentVolumeClaim stored =
                client.persistentVolumeClaims().withName(claim).get();
        assertThat(stored.getSpec().getResources().getRequests().get("storage").toString())
                .isEqualTo("5Gi");
        assertThat(stored.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
        assertThat(stored.getSpec().getStorageClassName()).isEqualTo("fast-ssd");
        assertThat(stored.getMetadata().getLabels()).containsEntry("fermion.dev/pipeline", "shared");

        runner.deleteOwnedResources();

        assertThat(client.persistentVolumeClaims().withName(claim).get()).isNull();
    }

    @Test
    void aClaimDeletedAtTheEndIsDeletedWhenTheRunEnds() {
        ResourceStepRunner runner = new ResourceStepRunner(client);

        ResourceStepResult result = runner.run("shared", node("scratch", new VolumeClaim("1Gi").deletedAtEnd()));

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(client.persistentVolumeClaims().withName(result.objectName()).get())
                .isNotNull();
        runner.deleteOwnedResources();
        assertThat(client.persistentVolumeClaims().withName(result.objectName()).get())
                .isNull();
    }

    @Test
    void theSuccessConditionIsWaitedForAndOutputsAreReadByJsonPath() {
        ResourceStepRunner runner = new ResourceStepRunner(client);
        Node.ResourceNode node = node(
                "config",
                new Named(() -> ResourceCommand.create(configMap("settings", "ready"))
                        .successWhen("data.state == ready")
                        .failWhen("data.state == broken")));

        ResourceStepResult result = runner.run("demo", node);

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(result.params()).containsExactlyInAnyOrderEntriesOf(Map.of("name", "settings", "state", "ready"));
        runner.deleteOwnedResources();
        assertThat(client.configMaps().inNamespace("test").withName("settings").get())
                .as("not owned by the run, so it stays")
                .isNotNull();
    }

    @Test
    void theFailureConditionFailsTheStep() {
        ResourceStepRunner runner = new ResourceStepRunner(client);
        Node.ResourceNode node = node(
                "config",
                new Named(() -> ResourceCommand.create(configMap("job", "broken"))
                        .successWhen("data.state == ready")
                        .failWhen("data.state == broken")));

        ResourceStepResult result = runner.run("demo", node);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.message())
                .contains(
                        "pipeline 'demo', step 'config'", "ConfigMap job", "failure condition 'data.state == broken'");
    }

    @Test
    void applyCreatesThenUpdatesAndPatchAndDeleteActOnTheNamedObject() {
        ResourceStepRunner runner = new ResourceStepRunner(client);

        assertThat(runner.run("demo", node("first", new Named(() -> ResourceCommand.apply(configMap("cm", "one")))))
                        .params())
                .containsEntry("state", "one");
        assertThat(runner.run("demo", node("second", new Named(() -> ResourceCommand.apply(configMap("cm", "two")))))
                        .params())
                .containsEntry("state", "two");
        ResourceStepResult patched = runner.run(
                "demo", node("patch", new Named(() -> ResourceCommand.patch(configMap("cm", "three"), "merge"))));
        assertThat(patched.succeeded()).as(patched.message()).isTrue();
        assertThat(client.configMaps().inNamespace("test").withName("cm").get().getData())
                .containsEntry("state", "three");

        ResourceStepResult deleted =
                runner.run("demo", node("delete", new Silent(() -> ResourceCommand.delete(configMap("cm", "x")))));

        assertThat(deleted.succeeded()).as(deleted.message()).isTrue();
        assertThat(client.configMaps().inNamespace("test").withName("cm").get()).isNull();
    }

    @Test
    void anInputNamesTheObjectAPatchActsOn() {
        ResourceStepRunner runner = new ResourceStepRunner(client);
        runner.run("demo", node("make", new Named(() -> ResourceCommand.apply(configMap("settings", "new")))));
        Node.ResourceNode patch = (Node.ResourceNode) Pipeline.named("demo")
                .define(p -> p.step("finish", new ResourceFixtures.SetState("done"))
                        .with(ResourceFixtures.SetState.TARGET, "settings"))
                .plan()
                .graph()
                .node("finish")
                .orElseThrow();

        ResourceStepResult result = runner.run("demo", patch, Map.of("target", "settings"));

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(client.configMaps()
                        .inNamespace("test")
                        .withName("settings")
                        .get()
                        .getData())
                .containsEntry("state", "done");
    }

    @Test
    void aMissingFieldFailsTheOutputThatReadsIt() {
        ResourceStepRunner runner = new ResourceStepRunner(client);
        ConfigMap noState = client.getKubernetesSerialization().unmarshal(configMap("empty", "x"));
        noState.setData(null);
        String manifest = client.getKubernetesSerialization().asYaml(noState);

        ResourceStepResult result =
                runner.run("demo", node("empty", new Named(() -> ResourceCommand.create(manifest))));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.message()).contains("step 'empty'", "output 'state' reads {.data.state}");
    }

    @Test
    @SuppressWarnings("try") // the controller marks snapshots ready while the block runs; the block never calls it
    void aSnapshotOfAClaimIsWaitedForAndRestoresIntoANewClaim() {
        ResourceStepRunner runner = new ResourceStepRunner(client);
        Plan plan = snapshotPipeline();
        String claim =
                runner.run("snapshots", resourceNode(plan, "data")).params().get("claim-name");

        ResourceStepResult snapshot;
        try (SnapshotController controller = SnapshotController.start(server)) {
            snapshot = runner.run("snapshots", resourceNode(plan, "snapshot"), Map.of("claim", claim));
        }

        assertThat(snapshot.succeeded()).as(snapshot.message()).isTrue();
        String snapshotName = snapshot.params().get("snapshot-name");
        GenericKubernetesResource stored = client.genericKubernetesResources(SnapshotController.TYPE)
                .withName(snapshotName)
                .get();
        assertThat(stored.<String>get("spec", "source", "persistentVolumeClaimName"))
                .isEqualTo(claim);
        assertThat(stored.<String>get("spec", "volumeSnapshotClassName")).isEqualTo("csi-snapclass");
        assertThat(stored.<Boolean>get("status", "readyToUse")).isTrue();

        ResourceStepResult restored =
                runner.run("snapshots", resourceNode(plan, "copy"), Map.of("snapshot", snapshotName));

        assertThat(restored.succeeded()).as(restored.message()).isTrue();
        PersistentVolumeClaim copy = client.persistentVolumeClaims()
                .withName(restored.params().get("claim-name"))
                .get();
        assertThat(copy.getSpec().getDataSource().getName()).isEqualTo(snapshotName);
        assertThat(copy.getSpec().getDataSource().getKind()).isEqualTo("VolumeSnapshot");
        assertThat(copy.getSpec().getDataSource().getApiGroup()).isEqualTo("snapshot.storage.k8s.io");

        runner.deleteOwnedResources();
        assertThat(client.genericKubernetesResources(SnapshotController.TYPE)
                        .withName(snapshotName)
                        .get())
                .as("the snapshot was to be deleted at the end")
                .isNull();
    }

    @Test
    void anInputThatIsNotAnObjectNameCreatesNothing() {
        ResourceStepRunner runner = new ResourceStepRunner(client);

        ResourceStepResult result = runner.run(
                "snapshots", resourceNode(snapshotPipeline(), "copy"), Map.of("snapshot", "nightly\nkind: Secret"));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.message())
                .contains(
                        "pipeline 'snapshots', step 'copy'",
                        "input 'snapshot' is 'nightly\nkind: Secret'",
                        "not a Kubernetes object name");
        assertThat(client.persistentVolumeClaims().list().getItems()).isEmpty();
        var missing = runner.run("snapshots", resourceNode(snapshotPipeline(), "copy"), Map.of());
        assertThat(missing.message()).contains("input 'snapshot' has no value", "{.spec.dataSource.name}");
    }

    private static Plan snapshotPipeline() {
        return Pipeline.named("snapshots")
                .define(p -> {
                    var data = p.step("data", new VolumeClaim("1Gi").deletedWithWorkflow());
                    var snapshot = p.step(
                                    "snapshot",
                                    new VolumeSnapshot()
                                            .snapshotClass("csi-snapclass")
                                            .deletedAtEnd())
                            .with(VolumeSnapshot.CLAIM, data.out(VolumeClaim.CLAIM_NAME));
                    p.step("copy", new VolumeClaim("1Gi").fromSnapshot().deletedWithWorkflow())
                            .with(VolumeClaim.SNAPSHOT, snapshot.out(VolumeSnapshot.SNAPSHOT_NAME));
                })
                .plan();
    }

    private static Node.ResourceNode resourceNode(Plan plan, String step) {
        return (Node.ResourceNode) plan.graph().node(step).orElseThrow();
    }

    @Test
    void withoutAKubeconfigTheStepFailsSayingHowToProceed() {
        ResourceStepRunner runner = ResourceStepRunner.connect(Map.of(), home);

        var e = assertThrows(
                ContainerSetupException.class, () -> runner.run("shared", node("scratch", new VolumeClaim("1Gi"))));

        assertThat(e.getMessage())
                .contains(
                        "pipeline 'shared', step 'scratch'",
                        "creates a Kubernetes object",
                        "KUBECONFIG is not set",
                        home.resolve(".kube/config").toString(),
                        "point KUBECONFIG at");
    }

    private static Node.ResourceNode node(String step, Definition definition) {
        return (Node.ResourceNode) Pipeline.named("demo")
                .define(p -> p.step(step, definition))
                .plan()
                .graph()
                .node(step)
                .orElseThrow();
    }
}
