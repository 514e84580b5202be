package dev.fermion.dsl;

import dev.fermion.plan.Names;
import dev.fermion.types.ValueType;
import java.util.Objects;
import java.util.Optional;

/**
 * A typed input port of a component. Declared as a {@code public static final} field of the component
 * class; immutable, so {@link #defaultValue} and {@link #describedAs} return new ports.
 */
public final class Input<T> {
    private final String name;
    private final ValueType<T> type;
    private final T defaultValue;
    private final boolean optional;
    private final String description;

    Input(String name, ValueType<T> type, T defaultValue, boolean optional, String description) {
        this.name = Names.requirePortName(name);
        this.type = Objects.requireNonNull(type, "type");
        this.defaultValue = defaultValue;
        this.optional = optional;
        this.description = description == null ? "" : description;
        if (defaultValue != null && type.isArtifact()) {
            throw new IllegalArgumentException("Input '" + name + "': artifact inputs cannot have a default value");
        }
        if (optional && type.isArtifact()) {
            throw new IllegalArgumentException("Input '" + name + "': artifact inputs cannot be optional");
        }
    }

    public Input<T> defaultValue(T value) {
        Objects.requireNonNull(value, () -> "Input '" + name + "': default value must not be null; use optional()");
        return new Input<>(name, type, value, false, description);
    }

    /** Lets the step run without a binding; the component then sees {@code StepContext.find(port)} as empty. */
    public Input<T> optional() {
        return new Input<>(name, type, null, true, description);
    }

    public Input<T> describedAs(String text) {
        return new Input<>(name, type, defaultValue, optional, text);
    }

    public String name() {
        return name;
    }

    public ValueType<T> type() {
        return type;
    }

    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public boolean isOptional() {
        return optional;
    }

    public boolean isRequired() {
        return defaultValue == null && !optional;
    }

    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return "Input<" + type.displayName() + ">(" + name + ")";
    }
}
