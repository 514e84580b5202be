package dev.fermion.plan;

import dev.fermion.dsl.StepOptions;
import dev.fermion.dsl.ValueType;

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

    /** A Java component run by the step launcher. {@code bindings} covers every input that has a value. */
    record StepNode(String name, ComponentSpec component, Map<String, Expr> bindings, StepOptions options,
                    Set<String> dependencies, Optional<Cond> when) implements Node {
        public StepNode {
            bindings = Map.copyOf(bindings);
            dependencies = Set.copyOf(dependencies);
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
    record LoopNode(String name, Expr items, ValueType<?> itemType, int parallelism, Graph body,
                    Set<String> dependencies, Optional<Cond> when) implements Node {
        public LoopNode {
            dependencies = Set.copyOf(dependencies);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.loopNode(this);
        }
    }

    /** Runs the sub-pipeline {@code pipeline} (a key of {@link Plan#subPipelines()}) with these inputs. */
    record CallNode(String name, String pipeline, Map<String, Expr> bindings, Set<String> dependencies,
                    Optional<Cond> when) implements Node {
        public CallNode {
            bindings = Map.copyOf(bindings);
            dependencies = Set.copyOf(dependencies);
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
    record ContainerNode(String name, ComponentSpec component, ContainerSpec container, Map<String, Expr> bindings,
                         StepOptions options, Set<String> dependencies, Optional<Cond> when) implements Node {
        public ContainerNode {
            bindings = Map.copyOf(bindings);
            dependencies = Set.copyOf(dependencies);
        }

        public String image() {
            return options.image() != null ? options.image() : container.image();
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
    record RecurseNode(String name, String pipeline, Map<String, Expr> bindings, int maxDepth,
                       Set<String> dependencies, Optional<Cond> when) implements Node {
        public RecurseNode {
            bindings = Map.copyOf(bindings);
            dependencies = Set.copyOf(dependencies);
            if (maxDepth < 1) {
                throw new IllegalArgumentException("maxDepth must be at least 1, got " + maxDepth);
            }
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
    record ResourceNode(String name, ComponentSpec component, ResourceSpec resource, Map<String, Expr> bindings,
                        StepOptions options, Set<String> dependencies, Optional<Cond> when) implements Node {
        public ResourceNode {
            bindings = Map.copyOf(bindings);
            dependencies = Set.copyOf(dependencies);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.resourceNode(this);
        }
    }
}
