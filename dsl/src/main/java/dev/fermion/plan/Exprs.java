package dev.fermion.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/** Walks values made of other values, for code that needs what a value reads rather than how it combines them. */
public final class Exprs {
    private Exprs() {}

    /**
     * The values {@code expr} is made of that are not made of others: itself for a literal, a parameter, a step
     * output, a loop item, a fan-in, a sub-pipeline input or the status; the leaves of the values a computed
     * value is made of ({@link Expr.OrElse}, {@link Expr.Field}, {@link Expr.ListOf}, {@link Expr.MapOf},
     * {@link Expr.Format}). A fan-in is a leaf: what it reads lives in the
     * loop's body.
     */
    public static List<Expr> leaves(Expr expr) {
        List<Expr> leaves = new ArrayList<>();
        collect(expr, leaves);
        return leaves;
    }

    /**
     * Whether {@code expr} is there, for the value side of an {@code orElse}, in the caller's terms: a step's output
     * and a fan-in are there when {@code producedBy} says so of their step or loop, an {@code orElse} when
     * {@code either} of its sides is, anything else {@code always}.
     */
    public static <T> T availability(Expr expr, Function<String, T> producedBy, T always, BinaryOperator<T> either) {
        return expr.accept(new Expr.Visitor<>() {
            @Override
            public T stepOutput(Expr.StepOutput out) {
                return producedBy.apply(out.step());
            }

            @Override
            public T collected(Expr.Collected collected) {
                return producedBy.apply(collected.loop());
            }

            @Override
            public T orElse(Expr.OrElse orElse) {
                return either.apply(
                        availability(orElse.value(), producedBy, always, either),
                        availability(orElse.fallback(), producedBy, always, either));
            }

            @Override
            public T literal(Expr.Literal literal) {
                return always;
            }

            @Override
            public T inline(Expr.Inline inline) {
                return always;
            }

            @Override
            public T param(Expr.Param param) {
                return always;
            }

            @Override
            public T loopItem(Expr.LoopItem loopItem) {
                return always;
            }

            @Override
            public T field(Expr.Field field) {
                return always;
            }

            @Override
            public T listOf(Expr.ListOf listOf) {
                return always;
            }

            @Override
            public T mapOf(Expr.MapOf mapOf) {
                return always;
            }

            @Override
            public T format(Expr.Format format) {
                return always;
            }

            @Override
            public T graphInput(Expr.GraphInput graphInput) {
                return always;
            }

            @Override
            public T workflowStatus(Expr.WorkflowStatus workflowStatus) {
                return always;
            }
        });
    }

    private static void collect(Expr expr, List<Expr> into) {
        expr.accept(new Expr.Visitor<Void>() {
            @Override
            public Void orElse(Expr.OrElse e) {
                collect(e.value(), into);
                collect(e.fallback(), into);
                return null;
            }

            @Override
            public Void field(Expr.Field f) {
                collect(f.of(), into);
                return null;
            }

            @Override
            public Void listOf(Expr.ListOf list) {
                list.elements().forEach(e -> collect(e, into));
                return null;
            }

            @Override
            public Void mapOf(Expr.MapOf map) {
                map.entries().values().forEach(e -> collect(e, into));
                return null;
            }

            @Override
            public Void format(Expr.Format format) {
                format.args().forEach(e -> collect(e, into));
                return null;
            }

            @Override
            public Void literal(Expr.Literal literal) {
                return leaf();
            }

            @Override
            public Void inline(Expr.Inline inline) {
                return leaf();
            }

            @Override
            public Void param(Expr.Param param) {
                return leaf();
            }

            @Override
            public Void stepOutput(Expr.StepOutput stepOutput) {
                return leaf();
            }

            @Override
            public Void loopItem(Expr.LoopItem loopItem) {
                return leaf();
            }

            @Override
            public Void collected(Expr.Collected collected) {
                return leaf();
            }

            @Override
            public Void graphInput(Expr.GraphInput graphInput) {
                return leaf();
            }

            @Override
            public Void workflowStatus(Expr.WorkflowStatus workflowStatus) {
                return leaf();
            }

            private Void leaf() {
                into.add(expr);
                return null;
            }
        });
    }
}
