package dev.fermion.compiler;

import dev.fermion.contract.CacheKey;
import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Exprs;
import dev.fermion.plan.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * How a plan value reads in Argo, as a {@link Ref}. Where it comes from decides the reference: parameters are
 * always {@code {{workflow.parameters.NAME}}}; literals are written in, armoured; outputs of tasks of the same
 * DAG are {@code {{tasks.STEP.outputs...}}}; a sub-pipeline's inputs are its template's inputs; fan-ins, fields,
 * lists, maps, formats and fallbacks are expressions over those.
 *
 * <p>A loop body is its own DAG template, so every value it reads from an enclosing graph (an outer step's
 * output, an outer loop's item, a fan-in list, a sub-pipeline input) becomes an input of the body template, a
 * capture recorded in its {@link GraphScope}, which the loop task passes in. Those inputs are named by kind so
 * they never clash: {@code item__LOOP}, {@code out__STEP__PORT}, {@code all__LOOP__STEP__PORT}, {@code in__NAME};
 * an artifact input {@code X} comes with a parameter {@code digest__X} holding its content digest (step names
 * are DNS labels without underscores, so these names are unambiguous).
 */
final class ValueReferences {
    private static final String ITEM = "item__";
    private static final String OUT = "out__";
    private static final String ALL = "all__";
    private static final String IN = "in__";
    private static final String ELSE = "else__";
    /** Prefix of the parameter carrying a captured artifact's content digest. */
    static final String DIGEST = "digest__";

    private final String plan;

    /** @param plan the plan's name, for the errors that mean the DSL let through a graph it should have rejected */
    ValueReferences(String plan) {
        this.plan = plan;
    }

    /** {@code expr} as read in {@code scope}'s template. */
    Ref resolve(GraphScope scope, Expr expr) {
        return reference(scope, expr).of(expr.type());
    }

    private Ref reference(GraphScope scope, Expr expr) {
        return expr.accept(new Expr.Visitor<>() {
            @Override
            public Ref literal(Expr.Literal literal) {
                return Ref.literal(ValueCodec.encode(literal.type(), literal.value()));
            }

            @Override
            public Ref inline(Expr.Inline inline) {
                throw new IllegalStateException("Plan " + plan + " reads a constant file in graph " + scope.graph.name()
                        + " other than as a step's input; the DSL should have rejected this");
            }

            @Override
            public Ref param(Expr.Param param) {
                // Fermion writes workflow parameters in transport form, at compile and at submit time.
                return Ref.param(
                        "{{workflow.parameters." + param.name() + "}}",
                        ArgoExpressions.workflowParameter(param.name()));
            }

            @Override
            public Ref workflowStatus(Expr.WorkflowStatus status) {
                return Ref.param("{{workflow.status}}", "workflow.status");
            }

            @Override
            public Ref orElse(Expr.OrElse orElse) {
                if (scope.kind == GraphScope.Kind.LOOP && !producedHere(scope, orElse.value())) {
                    // Decided in the graph around the loop, which passes the result in.
                    return captured(
                            scope,
                            orElse,
                            ELSE + CacheKey.sha256(orElse.toString()).substring(0, 12));
                }
                // Both sides are exact in their transport form, so choosing between those is the choice's transport
                // form.
                String available = available(scope, orElse.value());
                Ref value = resolve(scope, orElse.value());
                Ref fallback = resolve(scope, orElse.fallback());
                return Ref.computed(
                        "(" + available + " ? " + value.written() + " : " + fallback.written() + ")",
                        "(" + available + " ? " + value.transported() + " : " + fallback.transported() + ")");
            }

            @Override
            public Ref field(Expr.Field field) {
                return Ref.computed(
                        ArgoExpressions.field(resolve(scope, field.of()).written(), field.name(), field.type()));
            }

            @Override
            public Ref listOf(Expr.ListOf list) {
                List<String> elements = new ArrayList<>();
                list.elements()
                        .forEach(e -> elements.add(ArgoExpressions.jsonElement(
                                e.type(), resolve(scope, e).written())));
                return Ref.computed("'[' + " + String.join(" + ',' + ", elements) + " + ']'");
            }

            @Override
            public Ref mapOf(Expr.MapOf map) {
                List<String> entries = new ArrayList<>();
                map.entries()
                        .forEach((key, e) -> entries.add(ArgoExpressions.quote(ValueCodec.json(key) + ":") + " + "
                                + ArgoExpressions.jsonElement(
                                        e.type(), resolve(scope, e).written())));
                return Ref.computed(ArgoExpressions.quote("{") + " + " + String.join(" + ',' + ", entries) + " + "
                        + ArgoExpressions.quote("}"));
            }

            @Override
            public Ref format(Expr.Format format) {
                StringBuilder text =
                        new StringBuilder(ArgoExpressions.quote(format.texts().get(0)));
                for (int i = 0; i < format.args().size(); i++) {
                    text.append(" + ")
                            .append(resolve(scope, format.args().get(i)).written())
                            .append(" + ")
                            .append(ArgoExpressions.quote(format.texts().get(i + 1)));
                }
                return Ref.computed(text.toString());
            }

            @Override
            public Ref stepOutput(Expr.StepOutput stepOutput) {
                return ValueReferences.this.stepOutput(scope, stepOutput);
            }

            @Override
            public Ref loopItem(Expr.LoopItem loopItem) {
                return ValueReferences.this.loopItem(scope, loopItem);
            }

            @Override
            public Ref collected(Expr.Collected collected) {
                return ValueReferences.this.collected(scope, collected);
            }

            @Override
            public Ref graphInput(Expr.GraphInput graphInput) {
                return ValueReferences.this.graphInput(scope, graphInput);
            }
        });
    }

    /**
     * A value read where it is not computed: in a loop body, a value from outside the body arrives as an input of the
     * body's template named {@code capture}, which the graph around the loop passes in.
     */
    private Ref captured(GraphScope scope, Expr expr, String capture) {
        if (scope.kind != GraphScope.Kind.LOOP) {
            throw new IllegalStateException("Plan " + plan + " reads " + expr + " in graph " + scope.graph.name()
                    + ", where it is not visible; the DSL should have rejected this");
        }
        scope.captures.putIfAbsent(capture, expr);
        if (expr.type().isArtifact()) {
            return capturedArtifact(capture);
        }
        return Ref.input(capture);
    }

    /** A captured artifact as the template that declares it reads it: its input, with its digest's input. */
    static Ref capturedArtifact(String capture) {
        return Ref.artifact("{{inputs.artifacts." + capture + "}}", "{{inputs.parameters." + DIGEST + capture + "}}");
    }

    private Ref stepOutput(GraphScope scope, Expr.StepOutput out) {
        if (!scope.nodes.containsKey(out.step())) {
            return captured(scope, out, OUT + out.step() + "__" + out.port());
        }
        String task = DagTasks.taskName(out.step());
        String prefix = "{{tasks." + task + ".outputs.";
        if (out.type().isArtifact()) {
            return Ref.artifact(
                    prefix + "artifacts." + out.port() + "}}",
                    prefix + "parameters." + ContainerTemplates.digestParam(out.port()) + "}}");
        }
        String value = prefix + "parameters." + out.port() + "}}";
        String variable = ArgoExpressions.taskOutput(task, out.port());
        // A script or container step writes its outputs itself, unarmoured: raw, where Java steps' are exact.
        boolean tool = scope.nodes.get(out.step()) instanceof Node.ContainerNode;
        return tool ? Ref.raw(value, variable) : Ref.param(value, variable);
    }

    private Ref collected(GraphScope scope, Expr.Collected c) {
        if (!scope.nodes.containsKey(c.loop())) {
            return captured(scope, c, ALL + c.loop() + "__" + collectedName(c));
        }
        return Ref.computed(ArgoExpressions.collectedList(
                c.type().elementType(), ArgoExpressions.taskOutput(DagTasks.taskName(c.loop()), collectedName(c))));
    }

    private Ref loopItem(GraphScope scope, Expr.LoopItem item) {
        String name = itemParam(item.loop());
        return scope.kind == GraphScope.Kind.LOOP && scope.loop.name().equals(item.loop())
                ? Ref.input(name)
                : captured(scope, item, name);
    }

    private Ref graphInput(GraphScope scope, Expr.GraphInput in) {
        if (scope.kind != GraphScope.Kind.SUB) {
            return captured(scope, in, IN + in.name());
        }
        if (in.type().isArtifact()) {
            return Ref.artifact(
                    "{{inputs.artifacts." + in.name() + "}}",
                    "{{inputs.parameters." + ContainerTemplates.digestParam(in.name()) + "}}");
        }
        return Ref.input(in.name());
    }

    /** The template input a loop body's current item arrives in. */
    static String itemParam(String loop) {
        return ITEM + loop;
    }

    /**
     * An expression that holds when {@code expr}, the value side of an {@code orElse}, is there: its step or
     * loop succeeded (Argo marks a task whose condition is false Skipped), or for a nested orElse either side is.
     */
    private String available(GraphScope scope, Expr expr) {
        return Exprs.availability(
                expr,
                node -> {
                    if (!scope.nodes.containsKey(node)) {
                        throw new IllegalStateException("Plan " + plan + " falls back from " + expr + " in graph "
                                + scope.graph.name() + ", which does not run it; the DSL should have rejected this");
                    }
                    return "tasks[" + ArgoExpressions.quote(DagTasks.taskName(node)) + "].status == 'Succeeded'";
                },
                "true",
                (value, fallback) -> "(" + value + " || " + fallback + ")");
    }

    /** Whether the nodes deciding whether {@code expr} is there are nodes of this graph. */
    private static boolean producedHere(GraphScope scope, Expr expr) {
        return Exprs.availability(expr, scope.nodes::containsKey, true, (value, fallback) -> value && fallback);
    }

    /** The output a loop body exports for a fan-in: {@code STEP__PORT} for a step's output. */
    static String collectedName(Expr.Collected c) {
        if (c.each() instanceof Expr.StepOutput out) {
            return out.step() + "__" + out.port();
        }
        return ELSE + CacheKey.sha256(c.each().toString()).substring(0, 12);
    }
}
