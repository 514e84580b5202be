package dev.fermion.components.table;

import java.util.Objects;

/** One column of a table schema. */
public record Column(String name, ColumnType type) implements java.io.Serializable {
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
