package dev.fermion.plan;

import java.util.ArrayList;
import java.util.List;

/** Walks values made of other values, for code that needs what a value reads rather than how it combines them. */
public final class Exprs {
    private Exprs() {
    }

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

    private static void collect(Expr expr, List<Expr> into) {
        if (expr instanceof Expr.OrElse e) {
            collect(e.value(), into);
            collect(e.fallback(), into);
        } else if (expr instanceof Expr.Field f) {
            collect(f.of(), into);
        } else if (expr instanceof Expr.ListOf list) {
            list.elements().forEach(e -> collect(e, into));
        } else if (expr instanceof Expr.MapOf map) {
            map.entries().values().forEach(e -> collect(e, into));
        } else if (expr instanceof Expr.Format format) {
            format.args().forEach(e -> collect(e, into));
        } else {
            into.add(expr);
        }
    }
}
