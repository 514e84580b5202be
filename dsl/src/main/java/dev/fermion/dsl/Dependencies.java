package dev.fermion.dsl;

import dev.fermion.plan.Expr;
import dev.fermion.plan.Exprs;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The order of a definition's steps: which nodes of its own graph each node waits for, from its {@code after}s and
 * the values it reads, and the check that these waits form no cycle.
 */
final class Dependencies {
    private final Namespace ns;

    Dependencies(Namespace ns) {
        this.ns = ns;
    }

    /** Nodes of {@code node}'s own graph it must wait for: explicit {@code after}s and every value it reads. */
    Set<String> of(NodeModel node) {
        Set<String> deps = new LinkedHashSet<>();
        for (NodeModel target : node.after) {
            addDependency(node, node, target, deps);
        }
        collectReads(node, node, deps);
        deps.remove(node.name);
        return deps;
    }

    private void collectReads(NodeModel owner, NodeModel node, Set<String> deps) {
        List<Value<?>> reads = new ArrayList<>(node.whenOperands);
        if (node instanceof NodeModel.StepModel step) {
            reads.addAll(step.bindings.values());
            reads.addAll(step.mountReads);
        } else if (node instanceof NodeModel.LoopModel loop) {
            reads.add(loop.items);
            for (NodeModel inner : loop.body.nodes) {
                collectReads(owner, inner, deps);
                for (NodeModel target : inner.after) {
                    addDependency(owner, inner, target, deps);
                }
            }
        }
        for (Value<?> value : reads) {
            for (NodeModel producer : producers(value.expr())) {
                addDependency(owner, node, producer, deps);
            }
        }
    }

    private void addDependency(NodeModel owner, NodeModel reader, NodeModel producer, Set<String> deps) {
        NodeModel upstream = owner.graph.containing(producer);
        if (upstream == null) {
            return;
        }
        if (upstream == owner) {
            if (reader == owner && owner instanceof NodeModel.StepModel) {
                throw ns.error(
                        owner.name, "the step reads its own output; a step can only read outputs of steps before it");
            }
            return;
        }
        deps.add(upstream.name);
    }

    /** The step a step output reads, or the loop a fan-in reads; null for any other value. */
    NodeModel producer(Expr expr) {
        return Exprs.availability(expr, ns.nodes::get, null, (value, fallback) -> null);
    }

    /** The nodes whose results {@code expr} reads, for a value made of several. */
    private List<NodeModel> producers(Expr expr) {
        List<NodeModel> all = new ArrayList<>();
        for (Expr leaf : Exprs.leaves(expr)) {
            NodeModel producer = producer(leaf);
            if (producer != null) {
                all.add(producer);
            }
        }
        return all;
    }

    /** Fails naming the first cycle among {@code edges}, each node to the nodes it waits for. */
    void rejectCycles(Map<String, Set<String>> edges) {
        Map<String, Integer> state = new HashMap<>();
        for (String start : edges.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            String cycle = visit(start, edges, state, path);
            if (cycle != null) {
                throw ns.error(
                        start,
                        "the steps form a cycle (each waits for the next): " + cycle
                                + "; remove an after(...) or a data dependency so the steps can run in order");
            }
        }
    }

    private static String visit(
            String node, Map<String, Set<String>> edges, Map<String, Integer> state, Deque<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return null;
        }
        path.addLast(node);
        if (s != null && s == 1) {
            List<String> list = new ArrayList<>(path);
            int from = list.indexOf(node);
            return String.join(" -> ", list.subList(from, list.size()));
        }
        state.put(node, 1);
        for (String dep : edges.getOrDefault(node, Set.of())) {
            String cycle = visit(dep, edges, state, path);
            if (cycle != null) {
                return cycle;
            }
        }
        state.put(node, 2);
        path.removeLast();
        return null;
    }
}
