package dev.fermion.dsl;

import dev.fermion.plan.Names;
import dev.fermion.types.ValueType;
import java.util.Objects;

/** A typed output port of a component, declared as a {@code public static final} field. */
public final class Output<T> {
    private final String name;
    private final ValueType<T> type;
    private final String description;

    Output(String name, ValueType<T> type, String description) {
        this.name = Names.requirePortName(name);
        this.type = Objects.requireNonNull(type, "type");
        this.description = description == null ? "" : description;
    }

    public Output<T> describedAs(String text) {
        return new Output<>(name, type, text);
    }

    public String name() {
        return name;
    }

    public ValueType<T> type() {
        return type;
    }

    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return "Output<" + type.displayName() + ">(" + name + ")";
    }
}
