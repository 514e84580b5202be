package dev.fermion.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.compiler.CompiledWorkflow;
import dev.fermion.compiler.WorkflowKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes to the cluster: creates Workflows (compiled, from a WorkflowTemplate, or from a CronWorkflow) and creates or
 * replaces WorkflowTemplates and CronWorkflows. Namespaces come resolved from {@link ArgoCluster}.
 */
final class WorkflowSubmitter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClusterCalls calls;

    WorkflowSubmitter(ClusterCalls calls) {
        this.calls = calls;
    }

    Submitted submit(CompiledWorkflow compiled, String ns) {
        ResourceDefinitionContext type = ArgoTypes.of(compiled.kind());
        GenericKubernetesResource object = parse(compiled, ns);
        GenericKubernetesResource created = calls.call(
                "create",
                type,
                ns,
                compiled.name(),
                () -> calls.resources(type, ns).resource(object).create());
        return new Submitted(
                compiled.kind(), type.getKind(), created.getMetadata().getName(), ns, true);
    }

    Submitted submitFromTemplate(
            String template, String ns, Map<String, String> arguments, Map<String, String> labels, String command) {
        GenericKubernetesResource found = calls.call(
                "get",
                ArgoTypes.TEMPLATES,
                ns,
                template,
                () -> calls.resources(ArgoTypes.TEMPLATES, ns)
                        .withName(template)
                        .get());
        if (found == null) {
            throw new ClusterException(
                    ClusterException.Reason.NOT_FOUND,
                    "no WorkflowTemplate named '" + template + "' in namespace " + ns + ": create it with '" + command
                            + " templates apply " + template + " -n " + ns + "'",
                    null);
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("workflowTemplateRef", Map.of("name", template));
        if (!arguments.isEmpty()) {
            spec.put("arguments", Map.of("parameters", parameters(arguments)));
        }
        return createWorkflow(template, ns, labels, Map.of(), spec, null);
    }

    Submitted trigger(String cron, String ns, Map<String, String> arguments, String command) {
        GenericKubernetesResource found = calls.call(
                "get",
                ArgoTypes.CRON_WORKFLOWS,
                ns,
                cron,
                () -> calls.resources(ArgoTypes.CRON_WORKFLOWS, ns)
                        .withName(cron)
                        .get());
        if (found == null) {
            throw new ClusterException(
                    ClusterException.Reason.NOT_FOUND,
                    "no CronWorkflow named '" + cron + "' in namespace " + ns + ": create it with '" + command
                            + " templates apply " + cron + " -n " + ns + "'",
                    null);
        }
        JsonNode cronSpec = JSON.valueToTree(found.getAdditionalProperties().get("spec"));
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = JSON.convertValue(cronSpec.path("workflowSpec"), Map.class);
        if (spec == null) {
            throw new ClusterException(
                    ClusterException.Reason.REJECTED,
                    "CronWorkflow '" + cron + "' in namespace " + ns + " has no workflowSpec",
                    null);
        }
        if (!arguments.isEmpty()) {
            Map<String, String> merged = new LinkedHashMap<>();
            for (JsonNode p : cronSpec.path("workflowSpec").path("arguments").path("parameters")) {
                merged.put(p.path("name").asText(), p.path("value").asText());
            }
            arguments.forEach((name, value) -> {
                if (!merged.containsKey(name)) {
                    throw new ClusterException(
                            ClusterException.Reason.REJECTED,
                            "CronWorkflow '" + cron + "' has no " + "parameter '" + name + "'; its parameters are "
                                    + merged.keySet(),
                            null);
                }
                merged.put(name, value);
            });
            spec.put("arguments", Map.of("parameters", parameters(merged)));
        }
        JsonNode metadata = cronSpec.path("workflowMetadata");
        Map<String, String> labels = new LinkedHashMap<>(strings(metadata.path("labels")));
        labels.put(ArgoCluster.CRON_LABEL, cron);
        OwnerReference owner = new OwnerReferenceBuilder()
                .withApiVersion(found.getApiVersion())
                .withKind(found.getKind())
                .withName(cron)
                .withUid(found.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
        return createWorkflow(cron, ns, labels, strings(metadata.path("annotations")), spec, owner);
    }

    private Submitted createWorkflow(
            String base,
            String ns,
            Map<String, String> labels,
            Map<String, String> annotations,
            Map<String, Object> spec,
            OwnerReference owner) {
        GenericKubernetesResource workflow = new GenericKubernetesResource();
        workflow.setApiVersion("argoproj.io/v1alpha1");
        workflow.setKind("Workflow");
        workflow.setMetadata(new ObjectMetaBuilder()
                .withGenerateName(base + "-")
                .withNamespace(ns)
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(owner == null ? List.of() : List.of(owner))
                .build());
        workflow.setAdditionalProperty("spec", spec);
        GenericKubernetesResource created = calls.call(
                "create",
                ArgoTypes.WORKFLOWS,
                ns,
                base,
                () -> calls.resources(ArgoTypes.WORKFLOWS, ns)
                        .resource(workflow)
                        .create());
        return new Submitted(
                WorkflowKind.WORKFLOW, "Workflow", created.getMetadata().getName(), ns, true);
    }

    private static List<Map<String, String>> parameters(Map<String, String> values) {
        List<Map<String, String>> list = new ArrayList<>();
        values.forEach((name, value) -> list.add(Map.of("name", name, "value", value)));
        return list;
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    Submitted apply(CompiledWorkflow compiled, String ns) {
        ResourceDefinitionContext type = ArgoTypes.of(compiled.kind());
        GenericKubernetesResource object = parse(compiled, ns);
        String name = object.getMetadata().getName();
        NonNamespaceOperation<
                        GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
                resources = calls.resources(type, ns);
        GenericKubernetesResource existing =
                calls.call("get", type, ns, name, () -> resources.withName(name).get());
        if (existing == null) {
            calls.call(
                    "create", type, ns, name, () -> resources.resource(object).create());
            return new Submitted(compiled.kind(), type.getKind(), name, ns, true);
        }
        // replacing needs the version we read, so a change made meanwhile by someone else is refused, not lost
        object.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        calls.call("update", type, ns, name, () -> resources.resource(object).update());
        return new Submitted(compiled.kind(), type.getKind(), name, ns, false);
    }

    private GenericKubernetesResource parse(CompiledWorkflow compiled, String ns) {
        GenericKubernetesResource object =
                calls.client().getKubernetesSerialization().unmarshal(compiled.yaml(), GenericKubernetesResource.class);
        object.getMetadata().setNamespace(ns);
        return object;
    }
}
