package dev.fermion.compiler;

import dev.fermion.plan.Cond;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Exprs;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds every fan-in read of one namespace (a pipeline with its exit handler, or a sub-pipeline), so each loop
 * body exports exactly what is collected: the scan runs before the first template of the namespace is written,
 * since a loop body's outputs are declared before the reads after the loop are compiled.
 */
final class FanIns {
    private FanIns() {}

    /** The collected values of {@code graphs} and the loops inside them: per loop name, by exported output name. */
    static Map<String, Map<String, Expr.Collected>> of(Iterable<Graph> graphs) {
        Map<String, Map<String, Expr.Collected>> collected = new HashMap<>();
        graphs.forEach(g -> scanGraph(g, collected));
        return collected;
    }

    private static void scanGraph(Graph graph, Map<String, Map<String, Expr.Collected>> into) {
        Node.Visitor<Void> reads = new Node.Visitor<>() {
            @Override
            public Void stepNode(Node.StepNode step) {
                step.bindings().values().forEach(e -> scanExpr(e, into));
                if (step.options().imageFrom() != null) {
                    scanExpr(step.options().imageFrom(), into);
                }
                return null;
            }

            @Override
            public Void loopNode(Node.LoopNode loop) {
                scanExpr(loop.items(), into);
                scanGraph(loop.body(), into);
                return null;
            }

            @Override
            public Void callNode(Node.CallNode call) {
                call.bindings().values().forEach(e -> scanExpr(e, into));
                return null;
            }

            @Override
            public Void containerNode(Node.ContainerNode container) {
                container.bindings().values().forEach(e -> scanExpr(e, into));
                if (container.options().imageFrom() != null) {
                    scanExpr(container.options().imageFrom(), into);
                }
                return null;
            }

            @Override
            public Void recurseNode(Node.RecurseNode recurse) {
                recurse.bindings().values().forEach(e -> scanExpr(e, into));
                return null;
            }

            @Override
            public Void resourceNode(Node.ResourceNode resource) {
                resource.bindings().values().forEach(e -> scanExpr(e, into));
                return null;
            }
        };
        for (Node node : graph.nodes()) {
            node.when().ifPresent(c -> scanCond(c, into));
            node.accept(reads);
        }
        graph.outputs().forEach(o -> scanExpr(o.source(), into));
    }

    private static void scanCond(Cond cond, Map<String, Map<String, Expr.Collected>> into) {
        cond.accept(new Cond.Visitor<Void>() {
            @Override
            public Void compare(Cond.Compare c) {
                scanExpr(c.left(), into);
                scanExpr(c.right(), into);
                return null;
            }

            @Override
            public Void isTrue(Cond.IsTrue t) {
                scanExpr(t.value(), into);
                return null;
            }

            @Override
            public Void all(Cond.All all) {
                all.terms().forEach(t -> scanCond(t, into));
                return null;
            }

            @Override
            public Void any(Cond.Any any) {
                any.terms().forEach(t -> scanCond(t, into));
                return null;
            }

            @Override
            public Void not(Cond.Not not) {
                scanCond(not.term(), into);
                return null;
            }
        });
    }

    private static void scanExpr(Expr expr, Map<String, Map<String, Expr.Collected>> into) {
        for (Expr leaf : Exprs.leaves(expr)) {
            if (leaf instanceof Expr.Collected c) {
                into.computeIfAbsent(c.loop(), k -> new TreeMap<>()).put(ValueReferences.collectedName(c), c);
            }
        }
    }
}
