package dev.fermion.compiler;

import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.Cond;
import dev.fermion.plan.Expr;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns a plan condition into an Argo {@code when} expression. Argo substitutes the {@code {{...}}}
 * references first and then evaluates the text, so every operand is written in the syntax both Argo v3
 * (govaluate) and v4 (expr) read the same way: numbers bare, everything else (strings, enums, booleans) in
 * single quotes, compared as the text {@link ValueCodec} writes. A literal written into the expression must
 * not be able to end its quotes or open a reference, so literals with quotes, backslashes, braces or control
 * characters are rejected. Run-time values are substituted by Argo as they are, so a step output that itself
 * contains a single quote breaks the expression at run time, and a parameter holding {@code {{} is compared
 * in its armoured form: conditions are meant for numbers, flags, enums and simple labels.
 */
final class WhenExpressions {
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    private static final Pattern UNSAFE = Pattern.compile("['\"\\\\{}\\p{Cntrl}]");

    private final Function<Expr, String> reference;
    private final String where;

    /**
     * @param reference the Argo reference of a run-time value, e.g. {@code {{tasks.eval.outputs.parameters.acc}}}
     * @param where     the step the condition guards, for error messages
     */
    WhenExpressions(Function<Expr, String> reference, String where) {
        this.reference = reference;
        this.where = where;
    }

    String render(Cond cond) {
        if (cond instanceof Cond.Compare c) {
            boolean numeric = c.left().type().isNumeric() && c.right().type().isNumeric();
            return operand(c.left(), numeric) + " " + c.op().symbol() + " " + operand(c.right(), numeric);
        }
        if (cond instanceof Cond.IsTrue t) {
            return operand(t.value(), false) + " == 'true'";
        }
        if (cond instanceof Cond.All all) {
            return join(all.terms(), " && ");
        }
        if (cond instanceof Cond.Any any) {
            return join(any.terms(), " || ");
        }
        if (cond instanceof Cond.Not not) {
            return "!(" + render(not.term()) + ")";
        }
        throw new IllegalStateException("unknown condition " + cond);
    }

    private String join(java.util.List<Cond> terms, String op) {
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
            if (UNSAFE.matcher(text).find()) {
                throw new IllegalArgumentException("Step '" + where + "': the condition compares with the literal '"
                        + text + "', which cannot be written safely into an Argo 'when' expression (it contains a "
                        + "quote, backslash, brace or control character); compare with a simpler value or decide in a step");
            }
            return "'" + text + "'";
        }
        String ref = reference.apply(expr);
        return numeric ? ref : "'" + ref + "'";
    }
}
