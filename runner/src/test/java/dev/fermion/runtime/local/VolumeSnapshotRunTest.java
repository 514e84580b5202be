package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;
import dev.fermion.dsl.VolumeClaim;
import dev.fermion.dsl.VolumeSnapshot;
import dev.fermion.runtime.container.ContainerRuntime;
import dev.fermion.runtime.container.SnapshotController;
import dev.fermion.testfixtures.Kubeconfigs;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local run that snapshots a shared volume and restores it into a new claim, against fabric8's mock API
 * server with the snapshot API installed and a stand-in snapshot controller marking snapshots ready.
 */
@EnableKubernetesMockClient(crud = true)
class VolumeSnapshotRunTest {
    KubernetesClient client;
    KubernetesMockServer server;

    @TempDir
    Path home;

    /** Reports the claim it was given, as a step using the restored data would see its name. */
    public static final class UseClaim extends Component {
        public static final Input<String> CLAIM = input("claim", String.class);
        public static final Output<String> USED = output("used", String.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(USED, ctx.get(CLAIM));
        }
    }

    static Pipeline snapshots() {
        return Pipeline.named("snapshots").define(p -> {
            var data = p.step("data", new VolumeClaim("1Gi").deletedAtEnd());
            var snapshot = p.step("snapshot", new VolumeSnapshot().deletedAtEnd())
                    .with(VolumeSnapshot.CLAIM, data.out(VolumeClaim.CLAIM_NAME));
            var copy = p.step("copy", new VolumeClaim("1Gi").fromSnapshot())
                    .with(VolumeClaim.SNAPSHOT, snapshot.out(VolumeSnapshot.SNAPSHOT_NAME));
            p.step("use", new UseClaim())
                    .with(UseClaim.CLAIM, copy.out(VolumeClaim.CLAIM_NAME))
                    .mountClaim(copy.out(VolumeClaim.CLAIM_NAME), "/data");
        });
    }

    @Test
    @SuppressWarnings("try") // the controller marks snapshots ready while the block runs; the block never calls it
    void aSnapshotBetweenStepsRestoresIntoTheClaimTheNextStepUses() throws Exception {
        LocalRunner runner = new LocalRunner(RunOptions.defaults()
                .withHome(new FermionHome(home))
                .withParallelism(2)
                .withContainerRuntime(ContainerRuntime.HOST)
                .withKubeconfig(kubeconfig()));

        RunResult result;
        try (SnapshotController controller = SnapshotController.start(server)) {
            result = runner.run(snapshots().plan(), Map.of());
        }

        assertThat(result.succeeded()).as(result.record().message()).isTrue();
        String data = result.step("data").outputs().get("claim-name");
        String snapshot = result.step("snapshot").outputs().get("snapshot-name");
        String copy = result.step("copy").outputs().get("claim-name");
        assertThat(result.step("use").outputs()).containsEntry("used", copy);
        assertThat(result.step("snapshot").startOrder())
                .isGreaterThan(result.step("data").endOrder());
        assertThat(result.step("copy").startOrder())
                .isGreaterThan(result.step("snapshot").endOrder());

        PersistentVolumeClaim restored =
                client.persistentVolumeClaims().withName(copy).get();
        assertThat(restored.getSpec().getDataSource().getName()).isEqualTo(snapshot);
        assertThat(restored.getSpec().getDataSource().getKind()).isEqualTo("VolumeSnapshot");
        assertThat(restored.getMetadata().getLabels()).containsEntry("fermion.dev/pipeline", "snapshots");
        assertThat(client.persistentVolumeClaims().withName(data).get())
                .as("deleted at the end")
                .isNull();
        GenericKubernetesResource taken = client.genericKubernetesResources(SnapshotController.TYPE)
                .withName(snapshot)
                .get();
        assertThat(taken).as("deleted at the end").isNull();
    }

    private Path kubeconfig() throws Exception {
        return Kubeconfigs.write(
                home.resolve("kubeconfig"), client.getMasterUrl().toString(), "test", "secret");
    }
}
