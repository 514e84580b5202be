package dev.fermion.dsl;

import dev.fermion.plan.Cond;
import dev.fermion.plan.Descriptions;
import dev.fermion.plan.Expr;
import dev.fermion.types.ValueType;
import java.util.List;
import java.util.Map;
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

    /** A constant, usable wherever a value is: {@code Value.listOf(train.out(Train.LOSS), Value.of(0.0))}. */
    @SuppressWarnings("unchecked")
    public static <T> Value<T> of(T constant) {
        Objects.requireNonNull(constant, "Value.of(null): a constant needs a value");
        Class<?> type = constant instanceof Enum<?> e ? e.getDeclaringClass() : constant.getClass();
        return of(ValueType.of((Class<T>) type), constant);
    }

    /** A constant of an explicit type, e.g. a list: {@code Value.of(ValueType.listOf(Integer.class), List.of(1, 2))}. */
    public static <T> Value<T> of(ValueType<T> type, T constant) {
        Objects.requireNonNull(constant, "Value.of(null): a constant needs a value");
        if (type.isArtifact()) {
            throw new IllegalArgumentException("Value.of(...) makes parameter values; an artifact constant is bound "
                    + "with step.with(INPUT, InlineFile.of(name, content))");
        }
        return new Value<>(new Expr.Literal(type, constant), type, Scope.ANYWHERE);
    }

    /**
     * A list of values known at run time, such as outputs of several steps, parameters and constants
     * ({@link #of}), in order: {@code p.forEach("each", Value.listOf(a.out(X), b.out(X), Value.of(1.0)), ...)}
     * loops over them as Kubeflow and Hera loop over lists of task outputs. Lists of lists and maps nest.
     */
    @SafeVarargs
    public static <T> Value<List<T>> listOf(Value<? extends T>... elements) {
        if (elements.length == 0) {
            throw new IllegalArgumentException("Value.listOf() needs at least one element; for an empty constant "
                    + "list use Value.of(ValueType.listOf(...), List.of())");
        }
        ValueType<?> element = elements[0].type;
        List<Expr> exprs = new java.util.ArrayList<>();
        List<Value<?>> values = new java.util.ArrayList<>();
        for (Value<? extends T> value : elements) {
            Objects.requireNonNull(value, "Value.listOf(...): an element is null");
            values.add(value);
            if (!value.type.equals(element)) {
                throw new IllegalArgumentException("Value.listOf(...) mixes " + element.displayName() + " and "
                        + value.type.displayName() + " elements: a list holds values of one type");
            }
            exprs.add(value.expr);
        }
        @SuppressWarnings("unchecked")
        ValueType<List<T>> type = ValueType.listOf((ValueType<T>) element);
        return new Value<>(new Expr.ListOf(exprs, type), type, common(values));
    }

    /** A map from each key to a value known at run time: {@code Value.mapOf(Map.of("lr", rate, "layers", Value.of(3.0)))}. */
    public static <V> Value<Map<String, V>> mapOf(Map<String, ? extends Value<? extends V>> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("Value.mapOf() needs at least one entry");
        }
        ValueType<?> valueType = null;
        Map<String, Expr> exprs = new java.util.TreeMap<>();
        for (Map.Entry<String, ? extends Value<? extends V>> entry : entries.entrySet()) {
            Value<? extends V> value = Objects.requireNonNull(
                    entry.getValue(), "Value.mapOf(...): the value of " + entry.getKey() + " is null");
            if (valueType != null && !valueType.equals(value.type)) {
                throw new IllegalArgumentException("Value.mapOf(...) mixes " + valueType.displayName() + " and "
                        + value.type.displayName() + " values: a map holds values of one type");
            }
            valueType = value.type;
            exprs.put(entry.getKey(), value.expr);
        }
        @SuppressWarnings("unchecked")
        ValueType<Map<String, V>> type = ValueType.mapOf((ValueType<V>) valueType);
        return new Value<>(new Expr.MapOf(exprs, type), type, common(new java.util.ArrayList<>(entries.values())));
    }

    /**
     * A string made of text and values known at run time: each {@code %s} of {@code pattern} is the next
     * argument as written (a string as it is, a number, a list or a record in its encoded text), {@code %%}
     * is a percent sign. {@code Value.format("loss %s after %s epochs", train.out(Train.LOSS), epochs)}.
     * On Argo it is an expression over the values, so no value can change what the string is made of.
     *
     * <p>Each value is written as Java writes it, the same in a local run and on Argo: a {@code Double} as
     * {@code 1.0}, {@code 0.1}, {@code 2.5E-7}, {@code 1.0E21}, {@code -0.0}, a whole one below 10^15 in full
     * ({@code 123456789.0}); a {@code Long} in full; a record as JSON with its components in declaration order,
     * doubles inside as {@code Double.toString} writes them ({@code 1.23456789E8}). A value read out of JSON on
     * Argo (a record's field, an item of a run-time list of records or doubles) is written back the same way, the
     * entries of any map in it ordered by key, since Argo reads a JSON object into an unordered map; a
     * {@code Long} of 2^53 or more in such a value is refused (the step fails, locally as on Argo), since Argo
     * reads JSON numbers as doubles and would round it.
     */
    public static Value<String> format(String pattern, Value<?>... args) {
        Objects.requireNonNull(pattern, "format pattern");
        List<String> texts = new java.util.ArrayList<>();
        StringBuilder text = new StringBuilder();
        int used = 0;
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c != '%') {
                text.append(c);
                i++;
                continue;
            }
            char next = i + 1 < pattern.length() ? pattern.charAt(i + 1) : 0;
            if (next == '%') {
                text.append('%');
            } else if (next == 's') {
                texts.add(text.toString());
                text.setLength(0);
                used++;
            } else {
                throw new IllegalArgumentException("Value.format(\"" + pattern + "\"): only %s (a value) and %% (a "
                        + "percent sign) are placeholders; found %" + (next == 0 ? "" : String.valueOf(next)));
            }
            i += 2;
        }
        texts.add(text.toString());
        if (used != args.length) {
            throw new IllegalArgumentException("Value.format(\"" + pattern + "\") has " + used + " %s but "
                    + args.length + " argument" + (args.length == 1 ? "" : "s"));
        }
        List<Expr> exprs = new java.util.ArrayList<>();
        for (Value<?> arg : args) {
            Objects.requireNonNull(arg, "Value.format(...): an argument is null");
            if (arg.type.isArtifact()) {
                throw new IllegalArgumentException(
                        "Value.format(...) writes values, not artifacts; format a " + "parameter such as a URI");
            }
            exprs.add(arg.expr);
        }
        ValueType<String> type = ValueType.of(String.class);
        return new Value<>(new Expr.Format(texts, exprs, type), type, common(List.of(args)));
    }

    /** The scope from which every one of {@code values} is visible: the innermost of theirs. */
    private static Scope common(List<? extends Value<?>> values) {
        Scope common = Scope.ANYWHERE;
        for (Value<?> value : values) {
            if (value.scope.sees(common)) {
                common = value.scope;
            } else if (!common.sees(value.scope)) {
                throw new IllegalArgumentException("a value made of " + Descriptions.source(value.expr)
                        + " (defined in " + value.scope + ") and values defined in " + common + ": no step sees both");
            }
        }
        return common;
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
            throw new IllegalArgumentException(
                    "orElse(...): the fallback " + Descriptions.source(fallback.expr) + " (defined in "
                            + fallback.scope + ") may itself be missing where " + Descriptions.source(expr)
                            + " is: fall back to a "
                            + "constant, a value defined outside the branch, or the output of a step in the other block of the "
                            + "same when(...)");
        }
        return new Value<>(new Expr.OrElse(expr, fallback.expr, type), type, result);
    }

    private void requireConditional() {
        if (type.isArtifact()) {
            throw new IllegalArgumentException(
                    "orElse(...) on " + Descriptions.source(expr) + ": artifacts cannot fall back to "
                            + "another value; give the branch's steps a parameter (a URI, a key) and read that");
        }
        if (scope.kind != Scope.Kind.BRANCH) {
            throw new IllegalArgumentException(
                    "orElse(...) on " + Descriptions.source(expr) + ": it is always there (it is not "
                            + "defined in a when/otherwise branch), so there is nothing to fall back from");
        }
    }

    /**
     * A component of this record value, named by its accessor: {@code item.get(Trial::learningRate)} is the
     * {@code learningRate} of each loop item (Argo's {@code {{item.learningRate}}}), typed as the component is.
     * It is written as Java writes it, as {@link #format} describes, also on Argo; a {@code Long} component of
     * 2^53 or more, which Argo cannot read exactly, is refused.
     */
    public <F> Value<F> get(RecordField<T, F> field) {
        Objects.requireNonNull(field, "field");
        RecordField.Resolved resolved = RecordField.resolve(field, type);
        @SuppressWarnings("unchecked")
        ValueType<F> fieldType = (ValueType<F>) resolved.type();
        return new Value<>(new Expr.Field(expr, resolved.name(), fieldType), fieldType, scope);
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
        if (literal instanceof Number n && !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException("a condition compares " + Descriptions.source(expr) + " with " + literal
                    + ", which is not a number Argo can read: compare with a finite number");
        }
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
