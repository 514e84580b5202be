package dev.fermion.compiler;

import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.Cond;
import dev.fermion.plan.Expr;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns a plan condition into an Argo expression (the body of a {@code when: "{{=...}}"} tag). Run-time
 * values are variables of the expression and literals are quoted string literals, so no value and no
 * literal can change what the condition tests: Argo evaluates the expression to {@code true} or
 * {@code false} before its {@code when} check reads the result. Comparisons follow the local runner
 * ({@code Conditions}): numbers by value, everything else by its encoded text, {@code isTrue} ignoring case
 * and surrounding whitespace.
 */
final class WhenExpressions {
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    private final Function<Expr, String> written;
    private final String where;

    /**
     * @param written an expression evaluating to a run-time value as it was written (without armour)
     * @param where   the step the condition guards, for error messages
     */
    WhenExpressions(Function<Expr, String> written, String where) {
        this.written = written;
        this.where = where;
    }

    String render(Cond cond) {
        return cond.accept(new Cond.Visitor<>() {
            @Override
            public String compare(Cond.Compare c) {
                boolean numeric =
                        c.left().type().isNumeric() && c.right().type().isNumeric();
                return operand(c.left(), numeric) + " " + c.op().symbol() + " " + operand(c.right(), numeric);
            }

            @Override
            public String isTrue(Cond.IsTrue t) {
                return "lower(trim(" + operand(t.value(), false) + ")) == 'true'";
            }

            @Override
            public String all(Cond.All all) {
                return join(all.terms(), " && ");
            }

            @Override
            public String any(Cond.Any any) {
                return join(any.terms(), " || ");
            }

            @Override
            public String not(Cond.Not not) {
                return "!(" + render(not.term()) + ")";
            }
        });
    }

    private String join(List<Cond> terms, String op) {
        StringBuilder b = new StringBuilder();
        for (Cond term : terms) {
            if (b.length() > 0) {
                b.append(op);
            }
            b.append('(').append(render(term)).append(')');
        }
        return b.toString();
    }

    private String operand(Expr expr, boolean numeric) {
        if (expr instanceof Expr.Literal literal) {
            String text = ValueCodec.encode(literal.type(), literal.value());
            if (numeric) {
                if (!NUMBER.matcher(text).matches()) {
                    throw new IllegalArgumentException("Step '" + where + "': the condition compares with " + text
                            + ", which Argo cannot read as a number; compare with a finite number");
                }
                return text;
            }
            return ArgoExpressions.quote(text);
        }
        String value = written.apply(expr);
        return numeric ? ArgoExpressions.number(value) : value;
    }
}
