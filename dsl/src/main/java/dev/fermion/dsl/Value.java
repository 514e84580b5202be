package dev.fermion.dsl;

import dev.fermion.plan.Cond;
import dev.fermion.plan.Expr;

import java.util.List;
import java.util.Objects;

/**
 * A typed reference to a value known only when the pipeline runs: a parameter, a step output, a loop item,
 * a fan-in list or the pipeline status. Bind it to an input of the same type, or compare it to build a
 * {@link Condition}.
 */
public class Value<T> {
    private final Expr expr;
    private final ValueType<T> type;
    private final Scope scope;

    Value(Expr expr, ValueType<T> type, Scope scope) {
        this.expr = Objects.requireNonNull(expr);
        this.type = Objects.requireNonNull(type);
        this.scope = Objects.requireNonNull(scope);
    }

    public ValueType<T> type() {
        return type;
    }

    Expr expr() {
        return expr;
    }

    Scope scope() {
        return scope;
    }

    public Condition atLeast(T literal) {
        return compare(Cond.Op.GE, literal);
    }

    public Condition atLeast(Value<T> other) {
        return compare(Cond.Op.GE, other);
    }

    public Condition atMost(T literal) {
        return compare(Cond.Op.LE, literal);
    }

    public Condition atMost(Value<T> other) {
        return compare(Cond.Op.LE, other);
    }

    public Condition greaterThan(T literal) {
        return compare(Cond.Op.GT, literal);
    }

    public Condition greaterThan(Value<T> other) {
        return compare(Cond.Op.GT, other);
    }

    public Condition lessThan(T literal) {
        return compare(Cond.Op.LT, literal);
    }

    public Condition lessThan(Value<T> other) {
        return compare(Cond.Op.LT, other);
    }

    public Condition isEqualTo(T literal) {
        return compare(Cond.Op.EQ, literal);
    }

    public Condition isEqualTo(Value<T> other) {
        return compare(Cond.Op.EQ, other);
    }

    public Condition isNotEqualTo(T literal) {
        return compare(Cond.Op.NE, literal);
    }

    public Condition isNotEqualTo(Value<T> other) {
        return compare(Cond.Op.NE, other);
    }

    /**
     * This value where the step producing it ran, {@code fallback} where a branch skipped it: an output of a step
     * added inside {@code when}/{@code otherwise}, readable after the branch. The same inside a loop body gives
     * each iteration a value, so the body's outputs can be collected.
     */
    public Value<T> orElse(T fallback) {
        Objects.requireNonNull(fallback, "orElse(null): give a value of " + type.displayName());
        requireConditional();
        return new Value<>(new Expr.OrElse(expr, new Expr.Literal(type, fallback), type), type, scope.unconditional());
    }

    /**
     * This value where the step producing it ran, otherwise {@code fallback}: a value readable after the branch
     * (a parameter, an output of a step outside it, another {@code orElse}), or the same output of a step in the
     * other block of the same {@code when}, since exactly one of the two runs:
     * {@code a.out(Train.MODEL_URI).orElse(b.out(Train.MODEL_URI))}.
     */
    public Value<T> orElse(Value<? extends T> fallback) {
        Objects.requireNonNull(fallback, "orElse(null): give a fallback value");
        requireConditional();
        Scope after = scope.unconditional();
        Scope result;
        if (fallback instanceof Param<?> || fallback.expr instanceof Expr.Literal || after.sees(fallback.scope)) {
            result = after;
        } else if (scope.complements(fallback.scope)) {
            result = scope.parent;
        } else {
            throw new IllegalArgumentException("orElse(...): the fallback " + describe(fallback.expr) + " (defined in "
                    + fallback.scope + ") may itself be missing where " + describe(expr) + " is: fall back to a "
                    + "constant, a value defined outside the branch, or the output of a step in the other block of the "
                    + "same when(...)");
        }
        return new Value<>(new Expr.OrElse(expr, fallback.expr, type), type, result);
    }

    private void requireConditional() {
        if (type.isArtifact()) {
            throw new IllegalArgumentException("orElse(...) on " + describe(expr) + ": artifacts cannot fall back to "
                    + "another value; give the branch's steps a parameter (a URI, a key) and read that");
        }
        if (scope.kind != Scope.Kind.BRANCH) {
            throw new IllegalArgumentException("orElse(...) on " + describe(expr) + ": it is always there (it is not "
                    + "defined in a when/otherwise branch), so there is nothing to fall back from");
        }
    }

    static String describe(Expr expr) {
        if (expr instanceof Expr.StepOutput out) {
            return "output '" + out.port() + "' of step '" + out.step() + "'";
        }
        if (expr instanceof Expr.OrElse e) {
            return describe(e.value()) + " (or else ...)";
        }
        if (expr instanceof Expr.Collected c) {
            return "the values collected from loop '" + c.loop() + "'";
        }
        return "this value";
    }

    /** For boolean values: holds when the value is {@code true}. */
    public Condition isTrue() {
        if (type.kind() != ValueType.Kind.BOOLEAN) {
            throw new IllegalArgumentException("isTrue() needs a Boolean value, got " + type.displayName());
        }
        return new Condition(new Cond.IsTrue(expr), List.of(this));
    }

    private Condition compare(Cond.Op op, T literal) {
        Objects.requireNonNull(literal, "comparison literal");
        return compare(op, new Value<>(new Expr.Literal(type, literal), type, scope));
    }

    private Condition compare(Cond.Op op, Value<T> other) {
        Objects.requireNonNull(other, "comparison operand");
        boolean ordering = op != Cond.Op.EQ && op != Cond.Op.NE;
        if (ordering && !(type.isNumeric() && other.type.isNumeric())) {
            throw new IllegalArgumentException("Cannot order " + type.displayName() + " values with " + op.symbol()
                    + ": only numbers compare with atLeast/atMost/greaterThan/lessThan; use isEqualTo for other types");
        }
        if (!ordering && !isComparable(type)) {
            throw new IllegalArgumentException("Cannot compare " + type.displayName()
                    + " values: conditions compare numbers, strings, booleans and enums");
        }
        return new Condition(new Cond.Compare(expr, op, other.expr), List.of(this, other));
    }

    private static boolean isComparable(ValueType<?> type) {
        return switch (type.kind()) {
            case STRING, INTEGER, LONG, DOUBLE, BOOLEAN, ENUM -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return "Value<" + type.displayName() + ">(" + expr + ")";
    }
}
