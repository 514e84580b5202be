package dev.fermion.plan;

import dev.fermion.dsl.StepOptions;
import dev.fermion.dsl.ValueType;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One node of a {@link Graph}. */
public sealed interface Node {

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
    }

    /** Runs the sub-pipeline {@code pipeline} (a key of {@link Plan#subPipelines()}) with these inputs. */
    record CallNode(String name, String pipeline, Map<String, Expr> bindings, Set<String> dependencies,
                    Optional<Cond> when) implements Node {
        public CallNode {
            bindings = Map.copyOf(bindings);
            dependencies = Set.copyOf(dependencies);
        }
    }
}
