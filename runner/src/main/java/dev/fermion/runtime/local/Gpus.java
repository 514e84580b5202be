package dev.fermion.runtime.local;

import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;

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
    private Gpus() {
    }

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
        forEachStep(plan, (node, component) -> {
            Integer gpus = node instanceof Node.StepNode s ? s.options().gpus()
                    : node instanceof Node.ContainerNode c ? c.options().gpus() : null;
            if (gpus != null && gpus > 0 && !component.requiresGpu()) {
                lines.add("step '" + node.name() + "' asks for " + gpus + " GPU" + (gpus == 1 ? "" : "s"));
            }
        });
        return lines;
    }

    /** The steps whose component cannot run without a GPU. */
    static List<Node> requiring(Plan plan) {
        List<Node> nodes = new ArrayList<>();
        forEachStep(plan, (node, component) -> {
            if (component.requiresGpu()) {
                nodes.add(node);
            }
        });
        return nodes;
    }

    private static void forEachStep(Plan plan, java.util.function.BiConsumer<Node, dev.fermion.plan.ComponentSpec> action) {
        List<Graph> graphs = new ArrayList<>(List.of(plan.graph()));
        plan.onExit().ifPresent(graphs::add);
        graphs.addAll(plan.subPipelines().values());
        while (!graphs.isEmpty()) {
            for (Node node : graphs.remove(0).nodes()) {
                if (node instanceof Node.StepNode step) {
                    action.accept(node, step.component());
                } else if (node instanceof Node.ContainerNode container) {
                    action.accept(node, container.component());
                } else if (node instanceof Node.LoopNode loop) {
                    graphs.add(loop.body());
                }
            }
        }
    }
}
