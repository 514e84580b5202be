package dev.fermion.runtime.local;

import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.runtime.container.ContainerSetupException;
import dev.fermion.runtime.container.ContainerStepRunner;
import dev.fermion.runtime.container.ResourceStepRunner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The engines for steps that are not Java: container and script steps, and Kubernetes-resource steps.
 * They are checked before a run starts, so a missing container engine or cluster is a setup error naming
 * the step (exit 2), never a failure discovered after hours of training, and never a silent skip. Steps a
 * test replaces with doubles need neither.
 */
final class ExternalSteps implements AutoCloseable {
    private final ContainerStepRunner containers;
    private final ResourceStepRunner resources;

    private ExternalSteps(ContainerStepRunner containers, ResourceStepRunner resources) {
        this.containers = containers;
        this.resources = resources;
    }

    static ExternalSteps prepare(Plan plan, RunOptions options) {
        List<Node.ContainerNode> containerNodes = new ArrayList<>();
        List<Node.ResourceNode> resourceNodes = new ArrayList<>();
        collect(plan.graph(), containerNodes, resourceNodes);
        plan.onExit().ifPresent(g -> collect(g, containerNodes, resourceNodes));
        plan.subPipelines().values().forEach(g -> collect(g, containerNodes, resourceNodes));
        containerNodes.removeIf(node -> options.replacements().containsKey(node.name()));
        resourceNodes.removeIf(node -> options.replacements().containsKey(node.name()));
        ContainerStepRunner containers = containerNodes.isEmpty() ? null : new ContainerStepRunner(options.containerRuntime());
        ResourceStepRunner resources = resourceNodes.isEmpty() ? null
                : options.kubeconfig() != null ? ResourceStepRunner.connect(options.kubeconfig())
                : ResourceStepRunner.connect(System.getenv(), Path.of(System.getProperty("user.home")));
        try {
            for (Node.ContainerNode node : containerNodes) {
                containers.requireEngine(plan.name(), node);
            }
            for (Node.ResourceNode node : resourceNodes) {
                resources.requireCluster(plan.name(), node);
            }
        } catch (ContainerSetupException e) {
            if (resources != null) {
                resources.close();
            }
            throw new RunSetupException(e.getMessage(), e);
        }
        return new ExternalSteps(containers, resources);
    }

    private static void collect(Graph graph, List<Node.ContainerNode> containers, List<Node.ResourceNode> resources) {
        for (Node node : graph.nodes()) {
            if (node instanceof Node.ContainerNode container) {
                containers.add(container);
            } else if (node instanceof Node.ResourceNode resource) {
                resources.add(resource);
            } else if (node instanceof Node.LoopNode loop) {
                collect(loop.body(), containers, resources);
            }
        }
    }

    ContainerStepRunner containers() {
        return containers;
    }

    ResourceStepRunner resources() {
        return resources;
    }

    /** Deletes the objects the run's resource steps own, whatever the outcome, as Argo does with its workflow. */
    @Override
    public void close() {
        if (resources != null) {
            try {
                resources.deleteOwnedResources();
            } finally {
                resources.close();
            }
        }
    }
}
