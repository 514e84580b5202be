package dev.fermion.submit;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds the pods of a workflow's steps and reads what their {@code main} containers wrote, without the lines of
 * Argo's own executor.
 */
final class PodLogs {
    private static final Pattern EXECUTOR_FIELD = Pattern.compile(" argo=true( |$)");

    private final ClusterCalls calls;

    PodLogs(ClusterCalls calls) {
        this.calls = calls;
    }

    /**
     * The logs written so far by the steps of {@code state}, step by step in the order they started.
     *
     * @return how many pods' logs were read; pods that Argo's pod GC removed have none to read
     */
    int read(WorkflowState state, String step, WorkflowListener listener) {
        String ns = state.namespace();
        Map<String, Pod> pods = byNode(state.name(), ns);
        int read = 0;
        for (StepState node : state.nodes()) {
            Pod pod = pods.get(node.name());
            if (node.isPod() && WorkflowStates.matches(node, step) && pod != null) {
                String podName = pod.getMetadata().getName();
                try {
                    String log = calls.call(
                            "read the log of",
                            ArgoTypes.PODS,
                            ns,
                            podName,
                            () -> calls.client()
                                    .pods()
                                    .inNamespace(ns)
                                    .withName(podName)
                                    .inContainer(ArgoCluster.MAIN_CONTAINER)
                                    .getLog());
                    emit(new StringReader(log == null ? "" : log), node.label(), listener);
                    read++;
                } catch (ClusterException e) {
                    if (e.reason() != ClusterException.Reason.NOT_FOUND) {
                        throw e;
                    }
                    listener.log(node.label(), "(" + e.getMessage() + ")");
                }
            }
        }
        return read;
    }

    /** The workflow's pods by the node each runs; of two pods for one node, the first by name. */
    Map<String, Pod> byNode(String workflow, String ns) {
        List<Pod> pods = calls.call(
                "list",
                ArgoTypes.PODS,
                ns,
                null,
                () -> calls.client()
                        .pods()
                        .inNamespace(ns)
                        .withLabel(ArgoCluster.WORKFLOW_LABEL, workflow)
                        .list()
                        .getItems());
        Map<String, Pod> byNode = new HashMap<>();
        for (Pod pod : pods) {
            Map<String, String> annotations = pod.getMetadata().getAnnotations();
            String node = annotations == null ? null : annotations.get(ArgoCluster.NODE_NAME_ANNOTATION);
            if (node != null) {
                byNode.merge(
                        node,
                        pod,
                        (a, b) ->
                                Comparator.comparing((Pod p) -> p.getMetadata().getName())
                                                        .compare(a, b)
                                                <= 0
                                        ? a
                                        : b);
            }
        }
        return byNode;
    }

    static void emit(Reader text, String step, WorkflowListener listener) {
        try (BufferedReader lines = new BufferedReader(text)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!isExecutorLine(line)) {
                    listener.log(step, line);
                }
            }
        } catch (IOException e) {
            listener.log(step, "(the log stream broke off: " + e.getMessage() + ")");
        }
    }

    /**
     * Argo's emissary executor wraps the step's command in the main container and logs its own lines there, in
     * logfmt marked {@code argo=true} ("waiting for signals", "sub-process exited", ...): they are left out, so a
     * failed step's last lines are the step's own.
     */
    static boolean isExecutorLine(String line) {
        return line.startsWith("time=") && EXECUTOR_FIELD.matcher(line).find();
    }
}
