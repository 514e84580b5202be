package dev.fermion.compiler;

import dev.fermion.compiler.argo.Parameter;
import dev.fermion.contract.TrackingEnv;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import java.util.ArrayList;
import java.util.List;

/**
 * How a workflow's MLflow parent run learns which of its steps were memoize hits: a hit starts no pod, so
 * nothing in the workflow would track it. Every cached Java step publishes the uid of the workflow that ran
 * it (the launcher writes {@link #FILE}, {@link TrackingEnv#TRACKED_RUN_FILE}) as a global output named after
 * the step. Argo restores a hit's outputs from the cache, global names included, so at exit a step whose global
 * holds another workflow's uid was reused from that workflow, and the tracking finaliser records it as a cached
 * child run linked to the run that made its outputs, as a local run does.
 *
 * <p>Only the pipeline's own graph is covered. Steps in loop bodies and sub-pipelines share one name across
 * iterations and calls, so one global per name could not say which of them was a hit; and two steps with
 * the same component and the same inputs share one cache entry, whose global names the step that saved it.
 */
final class TrackedRuns {
    /** The output of a cached Java step's template carrying the uid of the workflow that ran the step. */
    static final String OUTPUT = "fermion-tracked-run";
    /** Within the outputs emptyDir every Java step's pod has, so the launcher can write it in any image. */
    static final String FILE = ContainerTemplates.OUTPUTS + "/tracked-run";

    private static final String GLOBAL_PREFIX = OUTPUT + "-";

    private TrackedRuns() {}

    /**
     * The output, empty when the launcher wrote nothing (tracking not configured in the pod). Argo substitutes
     * the step's name into the global name, as the template is shared by the steps of one configuration.
     */
    static Parameter output() {
        return Parameter.fromPathOrDefault(OUTPUT, FILE, "")
                .withGlobalName(GLOBAL_PREFIX + "{{inputs.parameters." + ContainerTemplates.STEP_PARAM + "}}");
    }

    /**
     * The tracking finaliser's {@code STEP=WORKFLOW_UID} arguments, one per cached Java step of the pipeline's
     * graph: the uid of the workflow that ran the step, or empty when no workflow did (skipped, failed, not
     * reached). Step names are DNS labels, so the name inside the expression's quotes is inert.
     */
    static List<String> finaliserArgs(Plan plan) {
        List<String> args = new ArrayList<>();
        for (Node node : plan.graph().nodes()) {
            if (node instanceof Node.StepNode step && step.options().cachingEnabled()) {
                args.add(step.name() + "={{=workflow?.outputs?.parameters?.['" + GLOBAL_PREFIX + step.name()
                        + "'] ?? ''}}");
            }
        }
        return args;
    }
}
