package dev.fermion.runtime.local;

import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.contract.ImageMap;
import dev.fermion.runtime.container.ContainerEngine;
import dev.fermion.runtime.container.ContainerRuntime;
import dev.fermion.runtime.container.ContainerSetupException;
import dev.fermion.runtime.container.ContainerStepRunner;
import dev.fermion.runtime.container.EngineSelector;
import dev.fermion.runtime.container.ResourceStepRunner;
import dev.fermion.runtime.container.Sidecars;
import dev.fermion.dsl.Sidecar;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The engines for steps that are not Java: container and script steps, and Kubernetes-resource steps; and
 * with {@code --isolation container}, the engine and images of Java steps.
 * They are checked before a run starts, so a missing container engine or cluster is a setup error naming
 * the step (exit 2), never a failure discovered after hours of training, and never a silent skip. Steps a
 * test replaces with doubles need neither.
 */
final class ExternalSteps implements AutoCloseable {
    private final ContainerStepRunner containers;
    private final ResourceStepRunner resources;
    private final ContainerEngine javaEngine;
    private final Sidecars sidecars;

    private ExternalSteps(ContainerStepRunner containers, ResourceStepRunner resources, ContainerEngine javaEngine,
                          Sidecars sidecars) {
        this.containers = containers;
        this.resources = resources;
        this.javaEngine = javaEngine;
        this.sidecars = sidecars;
    }

    static ExternalSteps prepare(Plan plan, RunOptions options) {
        requireGpus(plan, options, Gpus.present());
        List<Node.ContainerNode> containerNodes = new ArrayList<>();
        List<Node.ResourceNode> resourceNodes = new ArrayList<>();
        List<Node.StepNode> javaNodes = new ArrayList<>();
        collect(plan.graph(), containerNodes, resourceNodes, javaNodes);
        plan.onExit().ifPresent(g -> collect(g, containerNodes, resourceNodes, javaNodes));
        plan.subPipelines().values().forEach(g -> collect(g, containerNodes, resourceNodes, javaNodes));
        containerNodes.removeIf(node -> options.replacements().containsKey(node.name()));
        resourceNodes.removeIf(node -> options.replacements().containsKey(node.name()));
        javaNodes.removeIf(node -> options.replacements().containsKey(node.name()));
        List<Node> withSidecars = new ArrayList<>();
        collectSidecars(plan.graph(), withSidecars);
        plan.onExit().ifPresent(g -> collectSidecars(g, withSidecars));
        plan.subPipelines().values().forEach(g -> collectSidecars(g, withSidecars));
        // A test double runs in place of the step, without the services the step would talk to.
        withSidecars.removeIf(node -> options.replacements().containsKey(node.name()));
        ImageMap images = options.images().replacements();
        EngineSelector engines = new EngineSelector(System.getenv());
        Sidecars sidecars = withSidecars.isEmpty() ? null : new Sidecars(options.containerRuntime(), engines,
                options.images().replacements()::apply);
        ContainerStepRunner containers = containerNodes.isEmpty() ? null
                : new ContainerStepRunner(options.containerRuntime(), System.getenv(), images, engines);
        ResourceStepRunner resources = resourceNodes.isEmpty() ? null
                : options.kubeconfig() != null ? ResourceStepRunner.connect(options.kubeconfig())
                : ResourceStepRunner.connect(System.getenv(), Path.of(System.getProperty("user.home")));
        ContainerEngine javaEngine = null;
        try {
            for (Node.ContainerNode node : containerNodes) {
                containers.requireEngine(plan.name(), node);
            }
            if (options.isolation() == Isolation.CONTAINER && !javaNodes.isEmpty()) {
                javaEngine = requireJavaImages(plan, options, engines, javaNodes);
            }
            for (Node.ResourceNode node : resourceNodes) {
                resources.requireCluster(plan.name(), node);
            }
            for (Node node : withSidecars) {
                sidecars.requireEngine("pipeline '" + plan.name() + "', step '" + node.name() + "'", sidecarsOf(node));
            }
        } catch (ContainerSetupException e) {
            if (resources != null) {
                resources.close();
            }
            throw new RunSetupException(e.getMessage(), e);
        }
        return new ExternalSteps(containers, resources, javaEngine, sidecars);
    }

    /** Steps whose component requires a GPU stop the run before it starts on a machine without one (test doubles aside). */
    static void requireGpus(Plan plan, RunOptions options, boolean present) {
        if (present) {
            return;
        }
        List<String> steps = Gpus.requiring(plan).stream().map(Node::name)
                .filter(name -> !options.replacements().containsKey(name)).toList();
        if (!steps.isEmpty()) {
            throw new RunSetupException("pipeline '" + plan.name() + "': step" + (steps.size() == 1 ? " '" : "s '")
                    + String.join("', '", steps) + "' require" + (steps.size() == 1 ? "s" : "") + " a GPU, and this machine "
                    + "has none (no NVIDIA device in /dev): run the pipeline on the cluster (fermion submit), or replace "
                    + "the step with a test double");
        }
    }

    /** The sidecars a step runs with; none for nodes that run no pod of their own. */
    static List<Sidecar> sidecarsOf(Node node) {
        if (node instanceof Node.StepNode step) {
            return step.options().sidecars();
        }
        return node instanceof Node.ContainerNode container ? container.options().sidecars() : List.of();
    }

    private static void collectSidecars(Graph graph, List<Node> into) {
        for (Node node : graph.nodes()) {
            if (!sidecarsOf(node).isEmpty()) {
                into.add(node);
            } else if (node instanceof Node.LoopNode loop) {
                collectSidecars(loop.body(), into);
            }
        }
    }

    /** With {@code --isolation container}: the engine for Java steps, once each step's image is known to be here. */
    private static ContainerEngine requireJavaImages(Plan plan, RunOptions options, EngineSelector engines,
                                                     List<Node.StepNode> javaNodes) {
        if (options.containerRuntime() == ContainerRuntime.HOST) {
            throw new ContainerSetupException("--isolation container runs Java steps in their image, which "
                    + "--container-runtime host cannot do: use auto, docker or podman, or --isolation process");
        }
        ContainerEngine engine = null;
        for (Node.StepNode node : javaNodes) {
            String where = "pipeline '" + plan.name() + "', step '" + node.name() + "'";
            String original = node.options().image() != null ? node.options().image() : options.images().runtimeImage();
            if (original == null) {
                throw new ContainerSetupException(where + " runs in Fermion's runtime image with --isolation container, "
                        + "but no runtime image was given");
            }
            String image = options.images().replacements().apply(original);
            engine = engines.select(options.containerRuntime(), where, image);
            engines.requireImage(engine, image, original, where);
        }
        return engine;
    }

    /** The attempt runner of {@code --isolation container}; replaced steps run through {@code doubles}. */
    AttemptRunner javaSteps(RunOptions options, AttemptRunner doubles) {
        if (javaEngine == null) {
            return doubles;
        }
        ImageMap images = options.images().replacements();
        String runtime = options.images().runtimeImage();
        return new ContainerAttempts(javaEngine, own -> images.apply(own != null ? own : runtime), options.classpath(),
                options.home().root(), doubles);
    }

    private static void collect(Graph graph, List<Node.ContainerNode> containers, List<Node.ResourceNode> resources,
                                List<Node.StepNode> java) {
        for (Node node : graph.nodes()) {
            if (node instanceof Node.ContainerNode container) {
                containers.add(container);
            } else if (node instanceof Node.ResourceNode resource) {
                resources.add(resource);
            } else if (node instanceof Node.StepNode step) {
                java.add(step);
            } else if (node instanceof Node.LoopNode loop) {
                collect(loop.body(), containers, resources, java);
            }
        }
    }

    ContainerStepRunner containers() {
        return containers;
    }

    ResourceStepRunner resources() {
        return resources;
    }

    /** Runs sidecars; null when no step has one. */
    Sidecars sidecars() {
        return sidecars;
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
