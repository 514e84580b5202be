package dev.fermion.runtime.local;

import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.plan.StepOptions;
import dev.fermion.plan.VolumeMount;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes volumes a plan's steps mount (claims, Secrets, ConfigMaps, emptyDirs). A local run does
 * not mount them: a step sees this machine's files at those paths instead, which is where a local run
 * differs from the cluster, so runners tell the user rather than let it pass unnoticed.
 */
public final class ClusterVolumes {
    private ClusterVolumes() {}

    /** One line per mount, such as {@code step 'prepare' mounts /data}, in plan order. */
    public static List<String> mountedBy(Plan plan) {
        List<String> mounts = new ArrayList<>();
        for (Node node : plan.allNodes()) {
            for (VolumeMount mount : node.podOptions().map(StepOptions::volumes).orElse(List.of())) {
                mounts.add("step '" + node.name() + "' mounts " + mount.mountPath());
            }
        }
        return mounts;
    }
}
