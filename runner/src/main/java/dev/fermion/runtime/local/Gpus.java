package dev.fermion.runtime.local;

import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.plan.StepOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * GPUs on this machine, and the steps of a plan that want them. Local steps run in this JVM or a child of it,
 * with whatever devices this machine has: a step that asks for GPUs runs on the CPU where there are none, which
 * runners say when the run starts, and a step whose component requires a GPU does not run at all.
 */
public final class Gpus {
    private Gpus() {}

    /** Whether this machine has an NVIDIA GPU its driver exposes (the device node of the driver's control device). */
    public static boolean present() {
        return present(Path.of("/dev"));
    }

    static boolean present(Path devices) {
        return Files.exists(devices.resolve("nvidiactl")) && Files.exists(devices.resolve("nvidia0"));
    }

    /** One line per step that asks for GPUs without requiring one, such as {@code step 'train' asks for 1 GPU}. */
    public static List<String> askedFor(Plan plan) {
        List<String> lines = new ArrayList<>();
        for (Node node : plan.allNodes()) {
            Integer gpus = node.podOptions().map(StepOptions::gpus).orElse(null);
            if (gpus != null && gpus > 0 && !node.runs().orElseThrow().requiresGpu()) {
                lines.add("step '" + node.name() + "' asks for " + gpus + " GPU" + (gpus == 1 ? "" : "s"));
            }
        }
        return lines;
    }

    /** The steps whose component cannot run without a GPU. */
    static List<Node> requiring(Plan plan) {
        return plan.allNodes().stream()
                .filter(node -> node.runs().map(ComponentSpec::requiresGpu).orElse(false))
                .toList();
    }
}
