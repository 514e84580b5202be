package dev.fermion.deploy;

import dev.fermion.dsl.BadInputException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import java.util.function.Function;

/** The cluster a deploy step talks to: the kubeconfig, or the pod's own service account inside a cluster. */
final class ClusterAccess {
    private ClusterAccess() {}

    /**
     * Runs {@code work} with a client; a refusal by the API server's authorization is bad input (no retry can
     * succeed until someone grants the permission), named with what to grant.
     */
    static <T> T withClient(Function<KubernetesClient, T> work) {
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            return work.apply(client);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                throw new BadInputException(forbidden(e), e);
            }
            throw e;
        }
    }

    static String forbidden(KubernetesClientException e) {
        String reason = e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage();
        return "The Kubernetes API server refused: " + reason + ". The service account this step runs as needs the "
                + "Role that KubernetesDeployment.deployerRbac(namespace, account, target) writes, bound to it in the "
                + "target namespace (see deploy/README.md, \"Permissions\")";
    }

    /** The namespace given, else the client's (kubeconfig context or pod), else {@code default}. */
    static String namespace(Optional<String> given, KubernetesClient client) {
        return given.orElseGet(() -> client.getNamespace() != null ? client.getNamespace() : "default");
    }
}
