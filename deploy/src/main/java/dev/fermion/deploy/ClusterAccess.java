package dev.fermion.deploy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.util.Optional;
import java.util.function.Function;

/** The cluster a deploy step talks to: the kubeconfig, or the pod's own service account inside a cluster. */
final class ClusterAccess {
    private ClusterAccess() {
    }

    static <T> T withClient(Function<KubernetesClient, T> work) {
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            return work.apply(client);
        }
    }

    /** The namespace given, else the client's (kubeconfig context or pod), else {@code default}. */
    static String namespace(Optional<String> given, KubernetesClient client) {
        return given.orElseGet(() -> client.getNamespace() != null ? client.getNamespace() : "default");
    }
}
