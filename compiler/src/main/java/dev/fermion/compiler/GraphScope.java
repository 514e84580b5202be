package dev.fermion.compiler;

import dev.fermion.plan.Expr;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** One graph being compiled into a DAG template, with what it reads from outside (loop bodies only). */
final class GraphScope {
    /** What the graph's template is: which decides where its values come from and what the template declares. */
    enum Kind {
        MAIN,
        EXIT,
        LOOP,
        SUB
    }

    final Graph graph;
    /** The graph's nodes by name: every value a step reads is looked up here, so it must not be a list scan. */
    final Map<String, Node> nodes;

    final Kind kind;
    /** The loop whose body this is; null unless {@link Kind#LOOP}. */
    final Node.LoopNode loop;
    /** Per loop name of this namespace: the collected (step, port) pairs, by output name. */
    final Map<String, Map<String, Expr.Collected>> collected;
    /** The values a loop body reads from outside, by the name of the body template's input they arrive in. */
    final Map<String, Expr> captures = new LinkedHashMap<>();

    GraphScope(Graph graph, Kind kind, Node.LoopNode loop, Map<String, Map<String, Expr.Collected>> collected) {
        this.graph = graph;
        this.nodes = new HashMap<>();
        graph.nodes().forEach(n -> nodes.put(n.name(), n));
        this.kind = kind;
        this.loop = loop;
        this.collected = collected;
    }
}
