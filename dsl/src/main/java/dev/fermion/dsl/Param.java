package dev.fermion.dsl;

import dev.fermion.plan.Expr;
import dev.fermion.types.ValueType;

/** A pipeline parameter: a value given when the pipeline is run or submitted, or its default. */
public final class Param<T> extends Value<T> {
    private final String name;

    Param(String name, ValueType<T> type, Scope scope) {
        super(new Expr.Param(name, type), type, scope);
        this.name = name;
    }

    public String name() {
        return name;
    }
}
