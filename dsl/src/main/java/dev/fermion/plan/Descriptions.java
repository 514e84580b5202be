package dev.fermion.plan;

import dev.fermion.contract.ValueCodec;
import dev.fermion.types.ValueType;
import java.util.stream.Collectors;

/**
 * A plan's parts in words, the same wherever a person reads them: in {@code fermion graph}, in a skipped
 * step's "condition false: ..." message, and in the pipeline graph on a tracked run.
 */
public final class Descriptions {
    private Descriptions() {}

    /** What a node runs: its component, or the kind of node. */
    public static String what(Node node, Plan plan) {
        return node.accept(new Node.Visitor<>() {
            @Override
            public String stepNode(Node.StepNode step) {
                return step.component().simpleName();
            }

            @Override
            public String loopNode(Node.LoopNode loop) {
                return "for each item of " + describe(loop.items())
                        + (loop.parallelism() > 0 ? ", " + loop.parallelism() + " at a time" : "");
            }

            @Override
            public String callNode(Node.CallNode call) {
                return "sub-pipeline " + plan.subPipeline(call.pipeline()).name();
            }

            @Override
            public String containerNode(Node.ContainerNode container) {
                return container.component().simpleName() + " ("
                        + (container.container().source() == null ? "container " : "script in ")
                        + container.container().image() + ")";
            }

            @Override
            public String recurseNode(Node.RecurseNode recurse) {
                return "recursion into " + plan.subPipeline(recurse.pipeline()).name() + ", at most "
                        + recurse.maxDepth() + " deep";
            }

            @Override
            public String resourceNode(Node.ResourceNode resource) {
                return resource.component().simpleName() + " ("
                        + resource.resource().action().verb() + " resource)";
            }
        });
    }

    /** A condition as a reader would write it: {@code evaluate.accuracy >= param min-accuracy}. */
    public static String describe(Cond cond) {
        return cond.accept(new Cond.Visitor<>() {
            @Override
            public String compare(Cond.Compare c) {
                return describe(c.left()) + " " + c.op().symbol() + " " + describe(c.right());
            }

            @Override
            public String isTrue(Cond.IsTrue t) {
                return describe(t.value());
            }

            @Override
            public String all(Cond.All all) {
                return all.terms().stream().map(Descriptions::nested).collect(Collectors.joining(" and "));
            }

            @Override
            public String any(Cond.Any any) {
                return any.terms().stream().map(Descriptions::nested).collect(Collectors.joining(" or "));
            }

            @Override
            public String not(Cond.Not not) {
                return "not " + nested(not.term());
            }
        });
    }

    private static String nested(Cond cond) {
        return cond instanceof Cond.All || cond instanceof Cond.Any ? "(" + describe(cond) + ")" : describe(cond);
    }

    public static String describe(Expr expr) {
        return expr.accept(new Expr.Visitor<>() {
            @Override
            public String literal(Expr.Literal l) {
                return l.type().kind() == ValueType.Kind.STRING
                        ? "'" + l.value() + "'"
                        : ValueCodec.encode(l.type(), l.value());
            }

            @Override
            public String inline(Expr.Inline i) {
                return "file " + i.file().name();
            }

            @Override
            public String param(Expr.Param p) {
                return "param " + p.name();
            }

            @Override
            public String stepOutput(Expr.StepOutput o) {
                return o.step() + "." + o.port();
            }

            @Override
            public String loopItem(Expr.LoopItem i) {
                return "item of " + i.loop();
            }

            @Override
            public String collected(Expr.Collected c) {
                return "all " + describe(c.each()) + " of " + c.loop();
            }

            @Override
            public String orElse(Expr.OrElse e) {
                return describe(e.value()) + " or else " + describe(e.fallback());
            }

            @Override
            public String field(Expr.Field f) {
                return describe(f.of()) + "." + f.name();
            }

            @Override
            public String listOf(Expr.ListOf l) {
                return "[" + l.elements().stream().map(Descriptions::describe).collect(Collectors.joining(", ")) + "]";
            }

            @Override
            public String mapOf(Expr.MapOf m) {
                return "{"
                        + m.entries().entrySet().stream()
                                .map(e -> e.getKey() + ": " + describe(e.getValue()))
                                .collect(Collectors.joining(", "))
                        + "}";
            }

            @Override
            public String format(Expr.Format f) {
                return "format(" + f.args().stream().map(Descriptions::describe).collect(Collectors.joining(", "))
                        + ")";
            }

            @Override
            public String graphInput(Expr.GraphInput g) {
                return "input " + g.name();
            }

            @Override
            public String workflowStatus(Expr.WorkflowStatus status) {
                return "pipeline status";
            }
        });
    }

    /**
     * Where a value comes from, as an error message names it: {@code output 'accuracy' of step 'evaluate'},
     * {@code parameter 'epochs'}. Every kind has its words, so a message never says only "this value".
     */
    public static String source(Expr expr) {
        return expr.accept(new Expr.Visitor<>() {
            @Override
            public String literal(Expr.Literal l) {
                return "the constant " + describe(l);
            }

            @Override
            public String inline(Expr.Inline i) {
                return "the inline file '" + i.file().name() + "'";
            }

            @Override
            public String param(Expr.Param p) {
                return "parameter '" + p.name() + "'";
            }

            @Override
            public String stepOutput(Expr.StepOutput o) {
                return "output '" + o.port() + "' of step '" + o.step() + "'";
            }

            @Override
            public String loopItem(Expr.LoopItem i) {
                return "the item of loop '" + i.loop() + "'";
            }

            @Override
            public String collected(Expr.Collected c) {
                return "the values collected from loop '" + c.loop() + "'";
            }

            @Override
            public String orElse(Expr.OrElse e) {
                return source(e.value()) + " (or else ...)";
            }

            @Override
            public String field(Expr.Field f) {
                return "component '" + f.name() + "' of " + source(f.of());
            }

            @Override
            public String listOf(Expr.ListOf l) {
                return "the list " + describe(l);
            }

            @Override
            public String mapOf(Expr.MapOf m) {
                return "the map " + describe(m);
            }

            @Override
            public String format(Expr.Format f) {
                return "a formatted string";
            }

            @Override
            public String graphInput(Expr.GraphInput g) {
                return "input '" + g.name() + "' of the sub-pipeline";
            }

            @Override
            public String workflowStatus(Expr.WorkflowStatus status) {
                return "the pipeline's status";
            }
        });
    }
}
