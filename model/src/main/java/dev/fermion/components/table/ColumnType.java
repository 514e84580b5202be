package dev.fermion.components.table;

import dev.fermion.dsl.BadInputException;

/** How a column's values are interpreted: numbers are scaled, categories are one-hot encoded. */
public enum ColumnType {
    NUMERIC,
    CATEGORICAL;

    /** Parses the spelling users write in a declared schema ({@code numeric}, {@code categorical}). */
    public static ColumnType parse(String column, String spelling) {
        String s = spelling == null ? "" : spelling.trim().toLowerCase(java.util.Locale.ROOT);
        switch (s) {
            case "numeric":
            case "number":
            case "double":
                return NUMERIC;
            case "categorical":
            case "category":
            case "string":
                return CATEGORICAL;
            default:
                throw new BadInputException("Schema type '" + spelling + "' of column '" + column
                        + "' is not supported: use 'numeric' or 'categorical'");
        }
    }
}
