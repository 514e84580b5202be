package dev.fermion.runtime.local;

import dev.fermion.plan.Cond;
import dev.fermion.plan.Expr;

import java.math.BigDecimal;
import java.util.function.Function;

/**
 * Evaluates a node's {@code when} as Argo evaluates the compiled expression: numbers compare by value,
 * everything else by its encoded text.
 */
final class Conditions {
    private Conditions() {
    }

    static boolean holds(Cond cond, Function<Expr, Resolved> resolve) {
        if (cond instanceof Cond.All all) {
            return all.terms().stream().allMatch(t -> holds(t, resolve));
        }
        if (cond instanceof Cond.Any any) {
            return any.terms().stream().anyMatch(t -> holds(t, resolve));
        }
        if (cond instanceof Cond.Not not) {
            return !holds(not.term(), resolve);
        }
        if (cond instanceof Cond.IsTrue isTrue) {
            return "true".equalsIgnoreCase(resolve.apply(isTrue.value()).text().trim());
        }
        Cond.Compare compare = (Cond.Compare) cond;
        Resolved left = resolve.apply(compare.left());
        Resolved right = resolve.apply(compare.right());
        int order;
        if (left.type().isNumeric() && right.type().isNumeric()) {
            order = new BigDecimal(left.text().trim()).compareTo(new BigDecimal(right.text().trim()));
        } else {
            order = left.text().compareTo(right.text());
        }
        switch (compare.op()) {
            case EQ:
                return order == 0;
            case NE:
                return order != 0;
            case LT:
                return order < 0;
            case LE:
                return order <= 0;
            case GT:
                return order > 0;
            default:
                return order >= 0;
        }
    }
}
