package dev.fermion.plan;

import java.util.ArrayList;
import java.util.List;

/** Walks values made of other values, for code that needs what a value reads rather than how it combines them. */
public final class Exprs {
    private Exprs() {
    }

    /**
     * The values {@code expr} is made of that are not made of others: itself for a literal, a parameter, a step
     * output, a loop item, a fan-in, a sub-pipeline input or the status; the leaves of both sides of an
     * {@link Expr.OrElse}. A fan-in is a leaf: what it reads lives in the loop's body.
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
        } else {
            into.add(expr);
        }
    }
}
