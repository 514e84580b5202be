package dev.fermion.dsl;

import dev.fermion.plan.Cond;
import java.util.function.Function;

/**
 * A conditional part of a pipeline, from {@link Dag#when}; {@link #otherwise} adds the else branch. {@code R}
 * is what the {@code when} block returned, typically the step it added:
 *
 * <pre>{@code
 * var deploy = p.when(accuracy.atLeast(0.9), b -> b.step("deploy", new Deploy())).then();
 * var alert  = p.when(...).otherwise(b -> b.step("alert", new Alert()));
 * }</pre>
 *
 * A step added in a branch may be skipped, so its outputs are read after the branch through
 * {@link Value#orElse}.
 */
public final class Branch<R> {
    private final Dag parent;
    private final Condition condition;
    private R then;
    private boolean hasElse;

    Branch(Dag parent, Condition condition) {
        this.parent = parent;
        this.condition = condition;
    }

    void run(Function<Dag, R> body) {
        then = body.apply(branchDag(condition.cond(), "when", Scope.Side.THEN));
    }

    /** What the {@code when} block returned. */
    public R then() {
        return then;
    }

    /** Steps that run exactly when the condition does not hold; returns what {@code body} returned. */
    public <E> E otherwise(Function<Dag, E> body) {
        if (hasElse) {
            throw parent.ns.error(null, "a branch has at most one otherwise(...)");
        }
        hasElse = true;
        return body.apply(branchDag(new Cond.Not(condition.cond()), "otherwise", Scope.Side.OTHERWISE));
    }

    private Dag branchDag(Cond cond, String label, Scope.Side side) {
        Scope scope = new Scope(Scope.Kind.BRANCH, parent.scope, "a " + label + " branch", this, side);
        return new Dag(
                parent.ns, scope, parent.graph, Cond.and(parent.branchCondition, cond), parent.operandsWith(condition));
    }
}
