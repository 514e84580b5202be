package dev.fermion.runtime.local;

import dev.fermion.contract.ImageMap;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.plan.Sidecar;
import dev.fermion.plan.StepOptions;
import dev.fermion.runtime.container.ContainerEngine;
import dev.fermion.runtime.container.ContainerRuntime;
import dev.fermion.runtime.container.ContainerSetupException;
import dev.fermion.runtime.container.ContainerStepRunner;
import dev.fermion.runtime.container.EngineSelector;
import dev.fermion.runtime.container.ResourceStepRunner;
import dev.fermion.runtime.container.Sidecars;
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
    private final EngineSelector engines;
    private final Sidecars sidecars;

    private ExternalSteps(
            ContainerStepRunner containers,
            ResourceStepRunner resources,
            ContainerEngine javaEngine,
            EngineSelector engines,
            Sidecars sidecars) {
        this.containers = containers;
        this.resources = resources;
        this.javaEngine = javaEngine;
        this.engines = engines;
        this.sidecars = sidecars;
    }

    static ExternalSteps prepare(Plan plan, RunOptions options) {
        requireGpus(plan, options, Gpus.present());
        // A test double runs in place of its step: without its image, its cluster or the services it talks to.
        List<Node> run = plan.allNodes().stream()
                .filter(node -> !options.replacements().containsKey(node.name()))
                .toList();
        List<Node.ContainerNode> containerNodes = new ArrayList<>();
        List<Node.ResourceNode> resourceNodes = new ArrayList<>();
        List<Node.StepNode> javaNodes = new ArrayList<>();
        Node.Visitor<Void> sort = new Node.Visitor<>() {
            @Override
            public Void stepNode(Node.StepNode step) {
                javaNodes.add(step);
                return null;
            }

            @Override
            public Void containerNode(Node.ContainerNode container) {
                containerNodes.add(container);
                return null;
            }

            @Override
            public Void resourceNode(Node.ResourceNode resource) {
                resourceNodes.add(resource);
                return null;
            }

            @Override
            public Void loopNode(Node.LoopNode loop) {
                return null;
            }

            @Override
            public Void callNode(Node.CallNode call) {
                return null;
            }

            @Override
            public Void recurseNode(Node.RecurseNode recurse) {
                return null;
            }
        };
        run.forEach(node -> node.accept(sort));
        List<Node> withSidecars =
                run.stream().filter(node -> !sidecarsOf(node).isEmpty()).toList();
        ImageMap images = options.images().replacements();
        EngineSelector engines = new EngineSelector(System.getenv());
        Sidecars sidecars = withSidecars.isEmpty()
                ? null
                : new Sidecars(
                        options.containerRuntime(), engines, options.images().replacements()::apply);
        ContainerStepRunner containers = containerNodes.isEmpty()
                ? null
                : new ContainerStepRunner(options.containerRuntime(), System.getenv(), images, engines);
        ResourceStepRunner resources = resourceNodes.isEmpty()
                ? null
                : options.kubeconfig() != null
                        ? ResourceStepRunner.connect(options.kubeconfig())
                        : ResourceStepRunner.connect(System.getenv(), Path.of(System.getProperty("user.home")));
        ContainerEngine javaEngine = null;
        try {
            // A missing cluster first: no option of a local run replaces it, while a missing image has a mapping.
            for (Node.ResourceNode node : resourceNodes) {
                resources.requireCluster(plan.name(), node);
            }
            for (Node.ContainerNode node : containerNodes) {
                containers.requireEngine(plan.name(), node);
            }
            if (options.isolation() == Isolation.CONTAINER && !javaNodes.isEmpty()) {
                javaEngine = requireJavaImages(plan, options, engines, javaNodes);
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
        return new ExternalSteps(containers, resources, javaEngine, engines, sidecars);
    }

    /** Steps whose component requires a GPU stop the run before it starts on a machine without one (test doubles aside). */
    static void requireGpus(Plan plan, RunOptions options, boolean present) {
        if (present) {
            return;
        }
        List<String> steps = Gpus.requiring(plan).stream()
                .map(Node::name)
                .filter(name -> !options.replacements().containsKey(name))
                .toList();
        if (!steps.isEmpty()) {
            throw new RunSetupException("pipeline '" + plan.name() + "': step" + (steps.size() == 1 ? " '" : "s '")
                    + String.join("', '", steps) + "' require" + (steps.size() == 1 ? "s" : "")
                    + " a GPU, and this machine "
                    + "has none (no NVIDIA device in /dev): submit the pipeline to a cluster with GPUs, or replace "
                    + "the step with a test double");
        }
    }

    /** The sidecars a step runs with; none for nodes that run no pod of their own. */
    static List<Sidecar> sidecarsOf(Node node) {
        return node.podOptions().map(StepOptions::sidecars).orElse(List.of());
    }

    /**
     * With {@code --isolation container}: the engine for Java steps, once each step's image is known to be here; an
     * image given as a value is known only when its step starts, and is checked then.
     */
    private static ContainerEngine requireJavaImages(
            Plan plan, RunOptions options, EngineSelector engines, List<Node.StepNode> javaNodes) {
        if (options.containerRuntime() == ContainerRuntime.HOST) {
            throw new ContainerSetupException("--isolation container runs Java steps in their image, which "
                    + "--container-runtime host cannot do: use auto, docker or podman, or --isolation process");
        }
        ContainerEngine engine = null;
        for (Node.StepNode node : javaNodes) {
            String where = "pipeline '" + plan.name() + "', step '" + node.name() + "'";
            if (node.options().imageFrom() != null) {
                // Its image is a value known only when the step starts: the attempt checks it then (ContainerAttempts).
                engine = engines.select(options.containerRuntime(), where, "from a value");
                continue;
            }
            String original = node.options().image() != null
                    ? node.options().image()
                    : options.images().runtimeImage();
            if (original == null) {
                throw new ContainerSetupException(
                        where + " runs in Fermion's runtime image with --isolation container, "
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
        return new ContainerAttempts(
                javaEngine,
                engines,
                options.images(),
                options.classpath(),
                options.home().root(),
                doubles);
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
