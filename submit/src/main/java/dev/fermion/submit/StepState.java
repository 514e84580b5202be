package dev.fermion.submit;

import dev.fermion.contract.CompilerTasks;
import java.util.Set;

/**
 * One node of an Argo workflow's {@code status.nodes}.
 *
 * @param id          the node id (for pods, also how Argo finds the pod)
 * @param name        the full node name, e.g. {@code iris-x7k2p.train}
 * @param displayName the step's name as the pipeline wrote it
 * @param type        Argo's node type: Pod, DAG, Steps, Retry, Skipped, Suspend...
 * @param phase       Pending, Running, Succeeded, Skipped, Failed, Error or Omitted
 * @param startedAt   RFC 3339 time, or null
 * @param finishedAt  RFC 3339 time, or null
 * @param message     why the node is in its phase, or null
 * @param cached      whether Argo took the step's outputs from the memoization cache instead of running it
 */
public record StepState(
        String id,
        String name,
        String displayName,
        String type,
        String phase,
        String startedAt,
        String finishedAt,
        String message,
        boolean cached) {
    /** Node types that only group other nodes; a user thinks of the pods and skipped steps inside them. */
    private static final Set<String> STRUCTURAL = Set.of("DAG", "Steps", "StepGroup", "TaskGroup", "Retry");

    /** Whether this node is a step a user wrote rather than a grouping Argo adds; a cache hit is one either way. */
    public boolean isStep() {
        return cached || !STRUCTURAL.contains(type);
    }

    /**
     * The step's name as the user reads it: {@link #displayName()}, but a task the compiler added shows under the
     * step it serves ({@code prepare/source-digest(0)} rather than {@code prepare--source(0)}).
     */
    public String label() {
        return CompilerTasks.label(displayName);
    }

    public boolean isPod() {
        return "Pod".equals(type);
    }
}
