package dev.fermion.runtime.local;

import dev.fermion.dsl.StepOptions;
import dev.fermion.dsl.VolumeMount;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes volumes a plan's steps mount (claims, Secrets, ConfigMaps, emptyDirs). A local run does
 * not mount them: a step sees this machine's files at those paths instead, which is where a local run
 * differs from the cluster, so runners tell the user rather than let it pass unnoticed.
 */
public final class ClusterVolumes {
    private ClusterVolumes() {
    }

    /** One line per mount, such as {@code step 'prepare' mounts /data}, in plan order. */
    public static List<String> mountedBy(Plan plan) {
        List<String> mounts = new ArrayList<>();
        collect(plan.graph(), mounts);
        plan.onExit().ifPresent(graph -> collect(graph, mounts));
        plan.subPipelines().values().forEach(graph -> collect(graph, mounts));
        return mounts;
    }

    private static void collect(Graph graph, List<String> into) {
        for (Node node : graph.nodes()) {
            StepOptions options = node instanceof Node.StepNode step ? step.options()
                    : node instanceof Node.ContainerNode container ? container.options() : null;
            if (options != null) {
                for (VolumeMount mount : options.volumes()) {
                    into.add("step '" + node.name() + "' mounts " + mount.mountPath());
                }
            } else if (node instanceof Node.LoopNode loop) {
                collect(loop.body(), into);
            }
        }
    }
}
