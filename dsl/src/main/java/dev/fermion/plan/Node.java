package dev.fermion.plan;

import dev.fermion.types.ValueType;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One node of a {@link Graph}. */
public sealed interface Node {

    /** Dispatches on the kind, so that code handling every kind stops compiling when a kind is added. */
    <R> R accept(Visitor<R> visitor);

    /** One method per kind of node. */
    interface Visitor<R> {
        R stepNode(Node.StepNode stepNode);

        R loopNode(Node.LoopNode loopNode);

        R callNode(Node.CallNode callNode);

        R containerNode(Node.ContainerNode containerNode);

        R recurseNode(Node.RecurseNode recurseNode);

        R resourceNode(Node.ResourceNode resourceNode);
    }

    String name();

    /** Names of nodes of the same graph that must finish (succeed or be skipped) before this one. */
    Set<String> dependencies();

    /** Runs only when this holds; branches of {@code when}/{@code otherwise} are flattened into it. */
    Optional<Cond> when();

    /**
     * Whether this node is a step of its own, a Java step, a tool container or a Kubernetes resource, rather
     * than a loop or a call of other steps.
     */
    default boolean isStep() {
        return false;
    }

    /** The values bound to the node's inputs; a loop has none (its items are its own). */
    default Map<String, Expr> bindings() {
        return Map.of();
    }

    /** The sub-pipeline a call or a recursion runs, a key of {@link Plan#subPipelines()}. */
    default Optional<String> calls() {
        return Optional.empty();
    }

    /**
     * The options of a node whose own container runs, a Java step or a tool container; the others have none
     * (a resource step's pod is Argo's executor).
     */
    default Optional<StepOptions> podOptions() {
        return Optional.empty();
    }

    /** The component a Java step or a tool container runs. */
    default Optional<ComponentSpec> runs() {
        return Optional.empty();
    }

    /** The body of a loop. */
    default Optional<Graph> loopBody() {
        return Optional.empty();
    }

    /** A Java component run by the step launcher. {@code bindings} covers every input that has a value. */
    record StepNode(
            String name,
            ComponentSpec component,
            Map<String, Expr> bindings,
            StepOptions options,
            Set<String> dependencies,
            Optional<Cond> when)
            implements Node {
        public StepNode {
            bindings = Map.copyOf(bindings);
            dependencies = Set.copyOf(dependencies);
        }

        /** This step with {@code other} options: a local run's, once an image given as a value is resolved. */
        public StepNode withOptions(StepOptions other) {
            return new StepNode(name, component, bindings, other, dependencies, when);
        }

        @Override
        public Optional<StepOptions> podOptions() {
            return Optional.of(options);
        }

        @Override
        public Optional<ComponentSpec> runs() {
            return Optional.of(component);
        }

        @Override
        public boolean isStep() {
            return true;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.stepNode(this);
        }
    }

    /**
     * Runs {@code body} once per item of {@code items}, at most {@code parallelism} at a time (0: no cap).
     * Inside the body, {@link Expr.LoopItem} with this loop's name is the current item.
     */
    record LoopNode(
            String name,
            Expr items,
            ValueType<?> itemType,
            int parallelism,
            Graph body,
            Set<String> dependencies,
            Optional<Cond> when)
            implements Node {
        public LoopNode {
            dependencies = Set.copyOf(dependencies);
        }

        @Override
        public Optional<Graph> loopBody() {
            return Optional.of(body);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.loopNode(this);
        }
    }

    /** Runs the sub-pipeline {@code pipeline} (a key of {@link Plan#subPipelines()}) with these inputs. */
    record CallNode(
            String name, String pipeline, Map<String, Expr> bindings, Set<String> dependencies, Optional<Cond> when)
            implements Node {
        public CallNode {
            bindings = Map.copyOf(bindings);
            dependencies = Set.copyOf(dependencies);
        }

        @Override
        public Optional<String> calls() {
            return Optional.of(pipeline);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.callNode(this);
        }
    }

    /**
     * A step that runs an image or an inline script rather than a Java component: {@code component} carries
     * the definition's class, version and typed ports, {@code container} what runs. The image is
     * {@code options.image()} when the step overrides it, otherwise {@code container.image()}.
     */
    record ContainerNode(
            String name,
            ComponentSpec component,
            ContainerSpec container,
            Map<String, Expr> bindings,
            StepOptions options,
            Set<String> dependencies,
            Optional<Cond> when)
            implements Node {
        public ContainerNode {
            bindings = Map.copyOf(bindings);
            dependencies = Set.copyOf(dependencies);
        }

        public String image() {
            return options.image() != null ? options.image() : container.image();
        }

        @Override
        public Optional<StepOptions> podOptions() {
            return Optional.of(options);
        }

        @Override
        public Optional<ComponentSpec> runs() {
            return Optional.of(component);
        }

        @Override
        public boolean isStep() {
            return true;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.containerNode(this);
        }
    }

    /**
     * A sub-pipeline body calling itself again, the way a do-while or while loop is written with
     * recursion: {@code pipeline} is the key of the body this node is part of, {@code bindings} the inputs
     * of the next level. Runners count levels from 1 (the call from outside) and fail the run, naming this
     * node, when a call would start level {@code maxDepth + 1}; they never stop silently.
     */
    record RecurseNode(
            String name,
            String pipeline,
            Map<String, Expr> bindings,
            int maxDepth,
            Set<String> dependencies,
            Optional<Cond> when)
            implements Node {
        public RecurseNode {
            bindings = Map.copyOf(bindings);
            dependencies = Set.copyOf(dependencies);
            if (maxDepth < 1) {
                throw new IllegalArgumentException("maxDepth must be at least 1, got " + maxDepth);
            }
        }

        @Override
        public Optional<String> calls() {
            return Optional.of(pipeline);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.recurseNode(this);
        }
    }

    /**
     * A step that creates, applies, patches or deletes a Kubernetes object instead of running code. Its
     * parameter outputs are read from the object by JSONPath ({@link ResourceSpec#outputs()}); its inputs,
     * Kubernetes object names, are written into fields of the manifest ({@link ResourceSpec#inputs()}).
     */
    record ResourceNode(
            String name,
            ComponentSpec component,
            ResourceSpec resource,
            Map<String, Expr> bindings,
            StepOptions options,
            Set<String> dependencies,
            Optional<Cond> when)
            implements Node {
        public ResourceNode {
            bindings = Map.copyOf(bindings);
            dependencies = Set.copyOf(dependencies);
        }

        @Override
        public boolean isStep() {
            return true;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.resourceNode(this);
        }
    }
}
