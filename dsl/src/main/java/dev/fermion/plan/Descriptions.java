package dev.fermion.plan;

import dev.fermion.contract.ValueCodec;
import dev.fermion.dsl.ValueType;

import java.util.stream.Collectors;

/**
 * A plan's parts in words, the same wherever a person reads them: in {@code fermion graph}, in a skipped
 * step's "condition false: ..." message, and in the pipeline graph on a tracked run.
 */
public final class Descriptions {
    private Descriptions() {
    }

    /** What a node runs: its component, or the kind of node. */
    public static String what(Node node, Plan plan) {
        if (node instanceof Node.StepNode step) {
            return step.component().simpleName();
        }
        if (node instanceof Node.ContainerNode container) {
            return container.component().simpleName() + " (" + (container.container().source() == null ? "container " : "script in ")
                    + container.container().image() + ")";
        }
        if (node instanceof Node.ResourceNode resource) {
            return resource.component().simpleName() + " (" + resource.resource().action().verb() + " resource)";
        }
        if (node instanceof Node.CallNode call) {
            return "sub-pipeline " + plan.subPipeline(call.pipeline()).name();
        }
        if (node instanceof Node.RecurseNode recurse) {
            return "recursion into " + plan.subPipeline(recurse.pipeline()).name() + ", at most " + recurse.maxDepth() + " deep";
        }
        Node.LoopNode loop = (Node.LoopNode) node;
        return "for each item of " + describe(loop.items()) + (loop.parallelism() > 0 ? ", " + loop.parallelism() + " at a time" : "");
    }

    /** A condition as a reader would write it: {@code evaluate.accuracy >= param min-accuracy}. */
    public static String describe(Cond cond) {
        if (cond instanceof Cond.Compare c) {
            return describe(c.left()) + " " + c.op().symbol() + " " + describe(c.right());
        }
        if (cond instanceof Cond.IsTrue t) {
            return describe(t.value());
        }
        if (cond instanceof Cond.All all) {
            return all.terms().stream().map(Descriptions::nested).collect(Collectors.joining(" and "));
        }
        if (cond instanceof Cond.Any any) {
            return any.terms().stream().map(Descriptions::nested).collect(Collectors.joining(" or "));
        }
        return "not " + nested(((Cond.Not) cond).term());
    }

    private static String nested(Cond cond) {
        return cond instanceof Cond.All || cond instanceof Cond.Any ? "(" + describe(cond) + ")" : describe(cond);
    }

    public static String describe(Expr expr) {
        if (expr instanceof Expr.Literal l) {
            return l.type().kind() == ValueType.Kind.STRING ? "'" + l.value() + "'" : ValueCodec.encode(l.type(), l.value());
        }
        if (expr instanceof Expr.Param p) {
            return "param " + p.name();
        }
        if (expr instanceof Expr.StepOutput o) {
            return o.step() + "." + o.port();
        }
        if (expr instanceof Expr.LoopItem i) {
            return "item of " + i.loop();
        }
        if (expr instanceof Expr.Collected c) {
            return "all " + describe(c.each()) + " of " + c.loop();
        }
        if (expr instanceof Expr.OrElse e) {
            return describe(e.value()) + " or else " + describe(e.fallback());
        }
        if (expr instanceof Expr.Field f) {
            return describe(f.of()) + "." + f.name();
        }
        if (expr instanceof Expr.ListOf l) {
            return "[" + l.elements().stream().map(Descriptions::describe).collect(Collectors.joining(", ")) + "]";
        }
        if (expr instanceof Expr.MapOf m) {
            return "{" + m.entries().entrySet().stream().map(e -> e.getKey() + ": " + describe(e.getValue()))
                    .collect(Collectors.joining(", ")) + "}";
        }
        if (expr instanceof Expr.Format f) {
            return "format(" + f.args().stream().map(Descriptions::describe).collect(Collectors.joining(", ")) + ")";
        }
        if (expr instanceof Expr.Inline i) {
            return "file " + i.file().name();
        }
        if (expr instanceof Expr.GraphInput g) {
            return "input " + g.name();
        }
        return "pipeline status";
    }
}
