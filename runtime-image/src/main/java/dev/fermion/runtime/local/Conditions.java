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

    /** The condition as a reader would write it, for "skipped because ..." messages. */
    static String describe(Cond cond) {
        if (cond instanceof Cond.All all) {
            return String.join(" && ", all.terms().stream().map(Conditions::describe).toList());
        }
        if (cond instanceof Cond.Any any) {
            return "(" + String.join(" || ", any.terms().stream().map(Conditions::describe).toList()) + ")";
        }
        if (cond instanceof Cond.Not not) {
            return "!(" + describe(not.term()) + ")";
        }
        if (cond instanceof Cond.IsTrue isTrue) {
            return describe(isTrue.value());
        }
        Cond.Compare c = (Cond.Compare) cond;
        return describe(c.left()) + " " + c.op().symbol() + " " + describe(c.right());
    }

    private static String describe(Expr expr) {
        if (expr instanceof Expr.Literal l) {
            return String.valueOf(l.value());
        }
        if (expr instanceof Expr.Param p) {
            return "param " + p.name();
        }
        if (expr instanceof Expr.StepOutput o) {
            return o.step() + "." + o.port();
        }
        if (expr instanceof Expr.LoopItem i) {
            return i.loop() + ".item";
        }
        if (expr instanceof Expr.GraphInput g) {
            return "input " + g.name();
        }
        if (expr instanceof Expr.Inline i) {
            return "file " + i.file().name();
        }
        if (expr instanceof Expr.ListOf l) {
            return "[" + String.join(", ", l.elements().stream().map(Conditions::describe).toList()) + "]";
        }
        if (expr instanceof Expr.MapOf m) {
            return "{" + String.join(", ", m.entries().entrySet().stream()
                    .map(e -> e.getKey() + ": " + describe(e.getValue())).toList()) + "}";
        }
        if (expr instanceof Expr.Format f) {
            return "format(" + String.join(", ", f.args().stream().map(Conditions::describe).toList()) + ")";
        }
        if (expr instanceof Expr.Field f) {
            return describe(f.of()) + "." + f.name();
        }
        if (expr instanceof Expr.OrElse e) {
            return describe(e.value()) + " or else " + describe(e.fallback());
        }
        if (expr instanceof Expr.Collected c) {
            return c.loop() + "[*]." + describe(c.each());
        }
        return "status";
    }
}
