package dev.fermion.dsl;

import dev.fermion.plan.Cond;
import java.util.ArrayList;
import java.util.List;

/** A condition for {@link Dag#when}, built from comparisons and combined with {@code and}, {@code or}, {@code not}. */
public final class Condition {
    private final Cond cond;
    private final List<Value<?>> operands;

    Condition(Cond cond, List<Value<?>> operands) {
        this.cond = cond;
        this.operands = List.copyOf(operands);
    }

    public Condition and(Condition other) {
        return new Condition(new Cond.All(List.of(cond, other.cond)), concat(other));
    }

    public Condition or(Condition other) {
        return new Condition(new Cond.Any(List.of(cond, other.cond)), concat(other));
    }

    // Both read well: 'cheap.not()' chained and 'not(cheap)' through a static import; only a method
    // reference Condition::not would be ambiguous, and nobody needs one.
    @SuppressWarnings("AmbiguousMethodReference")
    public Condition not() {
        return new Condition(new Cond.Not(cond), operands);
    }

    @SuppressWarnings("AmbiguousMethodReference") // see not()
    public static Condition not(Condition condition) {
        return condition.not();
    }

    Cond cond() {
        return cond;
    }

    List<Value<?>> operands() {
        return operands;
    }

    private List<Value<?>> concat(Condition other) {
        List<Value<?>> all = new ArrayList<>(operands);
        all.addAll(other.operands);
        return all;
    }
}
