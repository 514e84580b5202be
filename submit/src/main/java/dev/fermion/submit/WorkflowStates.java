package dev.fermion.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.compiler.ArgoCompiler;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a Workflow's status into {@link WorkflowState} and its nodes into {@link StepState}, and knows which nodes
 * a step named as the pipeline wrote it stands for.
 */
final class WorkflowStates {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClusterCalls calls;

    WorkflowStates(ClusterCalls calls) {
        this.calls = calls;
    }

    /** The workflow's current state. */
    WorkflowState read(String name, String ns) {
        return of(workflow(name, ns), ns);
    }

    /** The workflow as the cluster holds it; fails when there is none of that name. */
    GenericKubernetesResource workflow(String name, String ns) {
        var workflows = calls.resources(ArgoTypes.WORKFLOWS, ns);
        GenericKubernetesResource found = calls.call(
                "get",
                ArgoTypes.WORKFLOWS,
                ns,
                name,
                () -> workflows.withName(name).get());
        if (found == null) {
            // a GET answers 404 both for a missing workflow and for a cluster without Argo; only the latter fails a
            // list
            calls.call(
                    "list",
                    ArgoTypes.WORKFLOWS,
                    ns,
                    null,
                    () -> workflows.list(new ListOptionsBuilder().withLimit(1L).build()));
            throw new ClusterException(
                    ClusterException.Reason.NOT_FOUND,
                    "no workflow named '" + name + "' in namespace " + ns
                            + " (list them with 'kubectl get workflows -n " + ns + "')",
                    null);
        }
        return found;
    }

    static WorkflowState of(GenericKubernetesResource workflow, String ns) {
        JsonNode status = JSON.valueToTree(workflow.getAdditionalProperties().get("status"));
        List<StepState> nodes = new ArrayList<>();
        JsonNode nodeMap = status == null ? null : status.path("nodes");
        if (nodeMap != null && nodeMap.isObject()) {
            for (Map.Entry<String, JsonNode> entry : nodeMap.properties()) {
                JsonNode node = entry.getValue();
                nodes.add(new StepState(
                        entry.getKey(),
                        text(node, "name"),
                        displayName(node),
                        text(node, "type"),
                        text(node, "phase"),
                        text(node, "startedAt"),
                        text(node, "finishedAt"),
                        text(node, "message"),
                        node.path("memoizationStatus").path("hit").asBoolean(false)));
            }
        }
        return new WorkflowState(
                workflow.getMetadata().getName(),
                ns,
                text(status, "phase"),
                text(status, "startedAt"),
                text(status, "finishedAt"),
                text(status, "message"),
                text(status, "progress"),
                nodes);
    }

    /**
     * The step's name as the pipeline wrote it. Argo shows the attempts of a cached and retried step as
     * {@code fermion--retried(N)} (the task inside the step's memoized template): they are the attempts of the step
     * whose node encloses them, {@code <step>(N)}.
     */
    static String displayName(JsonNode node) {
        String display = text(node, "displayName");
        String name = text(node, "name");
        String inner = "." + ArgoCompiler.RETRIED_TASK;
        if (display == null
                || name == null
                || !display.startsWith(ArgoCompiler.RETRIED_TASK)
                || name.lastIndexOf(inner) < 0) {
            return display;
        }
        String step = name.substring(0, name.lastIndexOf(inner));
        return step.substring(step.lastIndexOf('.') + 1) + display.substring(ArgoCompiler.RETRIED_TASK.length());
    }

    private static String text(JsonNode node, String field) {
        if (node == null || !node.hasNonNull(field)) {
            return null;
        }
        String value = node.get(field).asText();
        return value.isEmpty() ? null : value;
    }

    static void requireStep(WorkflowState state, String step) {
        if (step != null && state.nodes().stream().noneMatch(n -> matches(n, step))) {
            throw new ClusterException(
                    ClusterException.Reason.NOT_FOUND,
                    "workflow '" + state.name()
                            + "' has no step '" + step + "' yet; its steps so far: "
                            + state.steps().stream()
                                    .map(StepState::label)
                                    .distinct()
                                    .toList(),
                    null);
        }
    }

    /**
     * A loop's iterations are shown as {@code step(0:value)} and the compiler's tasks for a step as
     * {@code step/source-digest}; naming the step selects all of them.
     */
    static boolean matches(StepState node, String step) {
        String label = node.label();
        return step == null
                || step.equals(label)
                || step.equals(node.displayName())
                || step.equals(node.name())
                || (label != null && (label.startsWith(step + "(") || label.startsWith(step + "/")))
                || (node.name() != null && node.name().endsWith("." + step));
    }
}
