package dev.fermion.dsl;

import dev.fermion.plan.Cond;

import java.util.function.Consumer;

/** A conditional part of a pipeline, from {@link Dag#when}; {@link #otherwise} adds the else branch. */
public final class Branch {
    private final Dag parent;
    private final Condition condition;
    private boolean hasElse;

    Branch(Dag parent, Condition condition) {
        this.parent = parent;
        this.condition = condition;
    }

    Dag thenDag() {
        return branchDag(condition.cond(), "when");
    }

    /** Steps that run exactly when the condition does not hold. */
    public void otherwise(Consumer<Dag> body) {
        if (hasElse) {
            throw parent.ns.error(null, "a branch has at most one otherwise(...)");
        }
        hasElse = true;
        body.accept(branchDag(new Cond.Not(condition.cond()), "otherwise"));
    }

    private Dag branchDag(Cond cond, String label) {
        Scope scope = new Scope(Scope.Kind.BRANCH, parent.scope, "a " + label + " branch");
        return new Dag(parent.ns, scope, parent.graph, Cond.and(parent.branchCondition, cond),
                parent.operandsWith(condition));
    }
}
