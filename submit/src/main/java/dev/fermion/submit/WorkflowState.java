package dev.fermion.submit;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * What the cluster says about one Workflow: its phase and its nodes, ordered by start time.
 *
 * @param phase    empty until Argo's controller has seen the workflow, then Pending, Running, Succeeded,
 *                 Failed or Error
 * @param progress Argo's {@code done/total} count of pods, or null
 */
public record WorkflowState(
        String name,
        String namespace,
        String phase,
        String startedAt,
        String finishedAt,
        String message,
        String progress,
        List<StepState> nodes) {
    private static final Set<String> FINAL = Set.of("Succeeded", "Failed", "Error");
    static final Comparator<StepState> ORDER = Comparator.comparing(
                    StepState::startedAt, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(StepState::displayName, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(StepState::id);

    public WorkflowState {
        phase = phase == null ? "" : phase;
        nodes = nodes.stream().sorted(ORDER).toList();
    }

    public boolean finished() {
        return FINAL.contains(phase);
    }

    public boolean succeeded() {
        return "Succeeded".equals(phase);
    }

    /** The nodes a user wrote as steps, without Argo's grouping nodes. */
    public List<StepState> steps() {
        return nodes.stream().filter(StepState::isStep).toList();
    }
}
