package dev.fermion.submit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.function.Supplier;

/**
 * Makes the calls to the API server and turns each failure into a {@link ClusterException} whose message says what
 * to do: the one place that knows what a status code means for Fermion's user.
 */
final class ClusterCalls {
    private final KubernetesClient client;
    /** Where the connection settings came from, so a failure to connect can say what to fix. */
    private final String origin;

    ClusterCalls(KubernetesClient client, String origin) {
        this.client = client;
        this.origin = origin;
    }

    KubernetesClient client() {
        return client;
    }

    NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            resources(ResourceDefinitionContext type, String ns) {
        return client.genericKubernetesResources(type).inNamespace(ns);
    }

    <T> T call(String verb, ResourceDefinitionContext type, String ns, String name, Supplier<T> action) {
        try {
            return action.get();
        } catch (KubernetesClientException e) {
            throw translate(e, verb, type, ns, name);
        }
    }

    ClusterException translate(
            KubernetesClientException e, String verb, ResourceDefinitionContext type, String ns, String name) {
        String what = type.getGroup().isEmpty() ? type.getPlural() : type.getPlural() + "." + type.getGroup();
        String detail = e.getStatus() != null
                        && e.getStatus().getMessage() != null
                        && !e.getStatus().getMessage().isBlank()
                ? e.getStatus().getMessage()
                : e.getMessage();
        int code = e.getCode();
        if (code < 100) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return new ClusterException(
                    ClusterException.Reason.UNREACHABLE,
                    "cannot reach the Kubernetes API server at "
                            + client.getMasterUrl() + " (" + root.getClass().getSimpleName()
                            + (root.getMessage() == null ? "" : ": " + root.getMessage()) + "), taken from " + origin
                            + ": check that the cluster is up and that this is the cluster you mean",
                    e);
        }
        if (code == 404 && type == ArgoTypes.PODS) {
            return new ClusterException(
                    ClusterException.Reason.NOT_FOUND,
                    "pod '" + name + "' is gone (Argo's pod "
                            + "garbage collection removes pods once their workflow ends, if it is configured to)",
                    e);
        }
        return switch (code) {
            case 401 ->
                new ClusterException(
                        ClusterException.Reason.UNAUTHENTICATED,
                        "the Kubernetes API server at "
                                + client.getMasterUrl()
                                + " rejected your credentials (401 Unauthorized): log in to the cluster "
                                + "again or refresh your kubeconfig",
                        e);
            case 403 ->
                new ClusterException(
                        ClusterException.Reason.FORBIDDEN,
                        "not allowed to " + verb + " " + what
                                + " in namespace " + ns + " (403 Forbidden: " + detail
                                + "): ask your cluster administrator for a "
                                + "Role that grants '" + verb + "' on " + what
                                + " there, or choose another namespace with --namespace",
                        e);
            case 404 ->
                new ClusterException(
                        ClusterException.Reason.ARGO_MISSING,
                        "the cluster at " + client.getMasterUrl()
                                + " has no " + what + " resource (404 on "
                                + (type.getGroup().isEmpty() ? "" : type.getGroup() + "/")
                                + type.getVersion()
                                + "): Argo Workflows is not installed there or its CRDs are missing; install "
                                + "Argo Workflows v3.6 or newer first",
                        e);
            case 409 ->
                new ClusterException(
                        ClusterException.Reason.ALREADY_EXISTS,
                        "a " + type.getKind() + " named '" + name + "' already exists in namespace " + ns
                                + " or was changed meanwhile (409 Conflict)",
                        e);
            case 400, 422 ->
                new ClusterException(
                        ClusterException.Reason.REJECTED,
                        "the cluster refused to " + verb + " " + type.getKind() + " '" + name + "' (" + code + "): "
                                + detail,
                        e);
            default ->
                new ClusterException(
                        ClusterException.Reason.FAILED,
                        "cannot " + verb + " " + what + " in namespace " + ns + " (" + code + "): " + detail,
                        e);
        };
    }
}
