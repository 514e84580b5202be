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
