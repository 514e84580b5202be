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
    private Conditions() {}

    static boolean holds(Cond cond, Function<Expr, Resolved> resolve) {
        return cond.accept(new Cond.Visitor<>() {
            @Override
            public Boolean compare(Cond.Compare compare) {
                return Conditions.compare(compare, resolve);
            }

            @Override
            public Boolean isTrue(Cond.IsTrue isTrue) {
                return "true"
                        .equalsIgnoreCase(resolve.apply(isTrue.value()).text().trim());
            }

            @Override
            public Boolean all(Cond.All all) {
                return all.terms().stream().allMatch(t -> holds(t, resolve));
            }

            @Override
            public Boolean any(Cond.Any any) {
                return any.terms().stream().anyMatch(t -> holds(t, resolve));
            }

            @Override
            public Boolean not(Cond.Not not) {
                return !holds(not.term(), resolve);
            }
        });
    }

    private static boolean compare(Cond.Compare compare, Function<Expr, Resolved> resolve) {
        Resolved left = resolve.apply(compare.left());
        Resolved right = resolve.apply(compare.right());
        int order;
        if (left.type().isNumeric() && right.type().isNumeric()) {
            order = new BigDecimal(left.text().trim())
                    .compareTo(new BigDecimal(right.text().trim()));
        } else {
            order = left.text().compareTo(right.text());
        }
        return switch (compare.op()) {
            case EQ -> order == 0;
            case NE -> order != 0;
            case LT -> order < 0;
            case LE -> order <= 0;
            case GT -> order > 0;
            case GE -> order >= 0;
        };
    }
}
