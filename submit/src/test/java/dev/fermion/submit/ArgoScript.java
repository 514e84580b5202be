package dev.fermion.submit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays Argo's controller against the mock API server: writes a workflow's status and its pods. Like the real
 * controller it has its own client, so its writes never reuse a pooled connection that the code under test's
 * log streams left for the mock server to close.
 */
final class ArgoScript implements AutoCloseable {
    static final String NS = "test";
    private final KubernetesMockServer server;
    private final KubernetesClient client;

    ArgoScript(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    @Override
    public void close() {
        client.close();
    }

    GenericKubernetesResource workflow(String name) {
        return client.genericKubernetesResources(ArgoTypes.WORKFLOWS)
                .inNamespace(NS)
                .withName(name)
                .get();
    }

    void status(String workflow, String phase, List<Map<String, Object>> nodes) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", phase);
        status.put("startedAt", "2026-01-01T10:00:00Z");
        if (!"Running".equals(phase)) {
            status.put("finishedAt", "2026-01-01T10:01:05Z");
        }
        Map<String, Object> byId = new LinkedHashMap<>();
        nodes.forEach(n -> byId.put((String) n.get("id"), n));
        status.put("nodes", byId);
        client.genericKubernetesResources(ArgoTypes.WORKFLOWS)
                .inNamespace(NS)
                .withName(workflow)
                .edit(w -> {
                    w.setAdditionalProperty("status", status);
                    return w;
                });
    }

    static Map<String, Object> node(String workflow, String step, String type, String phase, String message) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", workflow + "-" + step);
        node.put("name", step.equals(workflow) ? workflow : workflow + "." + step);
        node.put("displayName", step);
        node.put("type", type);
        node.put("phase", phase);
        node.put("startedAt", "2026-01-01T10:00:0" + Math.abs(step.hashCode() % 10) + "Z");
        if (!"Running".equals(phase)) {
            node.put("finishedAt", "2026-01-01T10:00:59Z");
        }
        if (message != null) {
            node.put("message", message);
        }
        return node;
    }

    /** A pod of the step as Argo names and labels it, with the log its main container wrote. */
    void pod(String workflow, String step, String phase, String log) {
        String pod = workflow + "-" + step + "-1234";
        client.pods()
                .inNamespace(NS)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName(pod)
                        .withNamespace(NS)
                        .addToLabels(ArgoCluster.WORKFLOW_LABEL, workflow)
                        .addToAnnotations(ArgoCluster.NODE_NAME_ANNOTATION, workflow + "." + step)
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("wait")
                        .withImage("argoexec")
                        .endContainer()
                        .addNewContainer()
                        .withName("main")
                        .withImage("runtime")
                        .endContainer()
                        .endSpec()
                        .withNewStatus()
                        .withPhase(phase)
                        .addNewCondition()
                        .withType("Ready")
                        .withStatus("Running".equals(phase) ? "True" : "False")
                        .endCondition()
                        .endStatus()
                        .build())
                .create();
        String base = "/api/v1/namespaces/" + NS + "/pods/" + pod + "/log?pretty=false&container=main";
        server.expect().get().withPath(base).andReturn(200, log).always();
        server.expect()
                .get()
                .withPath(base + "&follow=true")
                .andReturn(200, log)
                .always();
    }
}
