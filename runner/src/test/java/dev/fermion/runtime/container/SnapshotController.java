package dev.fermion.runtime.container;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.Map;

/**
 * Plays the CSI snapshot controller against a mock API server: every VolumeSnapshot created in the
 * namespace is marked ready to use, as the real controller does once the storage has taken the snapshot.
 * It writes through its own client, as the real controller would.
 */
public final class SnapshotController implements AutoCloseable {
    private final KubernetesClient client;
    private final Watch watch;

    /** The VolumeSnapshot type, as the snapshot CRDs install it: namespaced, with a status subresource. */
    public static final CustomResourceDefinitionContext TYPE = new CustomResourceDefinitionContext.Builder()
            .withGroup("snapshot.storage.k8s.io")
            .withVersion("v1")
            .withKind("VolumeSnapshot")
            .withPlural("volumesnapshots")
            .withScope("Namespaced")
            .withStatusSubresource(true)
            .build();

    /** Installs the snapshot API in {@code server} and starts marking snapshots ready. */
    public static SnapshotController start(KubernetesMockServer server) {
        server.expectCustomResource(TYPE);
        return new SnapshotController(server.createClient());
    }

    private SnapshotController(KubernetesClient client) {
        this.client = client;
        this.watch = client.genericKubernetesResources(TYPE).inAnyNamespace().watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, GenericKubernetesResource snapshot) {
                if (action == Action.ADDED) {
                    snapshot.setAdditionalProperty("status", Map.of("readyToUse", true, "restoreSize", "1Gi"));
                    client.genericKubernetesResources(TYPE)
                            .inNamespace(snapshot.getMetadata().getNamespace())
                            .resource(snapshot)
                            .updateStatus();
                }
            }

            @Override
            public void onClose(WatcherException cause) {}
        });
    }

    @Override
    public void close() {
        watch.close();
        client.close();
    }
}
