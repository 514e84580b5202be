package dev.fermion.plan;

import dev.fermion.types.ValueType;

/** One input or output port of a component or sub-pipeline. */
public record PortSpec(String name, ValueType<?> type, Object defaultValue, boolean optional, String description) {
    public boolean isArtifact() {
        return type.isArtifact();
    }
}
