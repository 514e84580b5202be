package dev.fermion.plan;

import dev.fermion.types.ValueType;

/** A pipeline parameter; {@code defaultValue} null means it must be given at run or submit time. */
public record ParamSpec(String name, ValueType<?> type, Object defaultValue, String description) {
    public boolean required() {
        return defaultValue == null;
    }
}
