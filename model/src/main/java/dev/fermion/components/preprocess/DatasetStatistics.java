package dev.fermion.components.preprocess;

import java.io.Serializable;
import java.util.List;

/** Summary of the rows of a data set, column by column in schema order. */
public record DatasetStatistics(long rows, List<ColumnStatistics> columns) implements Serializable {
    public DatasetStatistics {
        columns = List.copyOf(columns);
    }

    public ColumnStatistics column(String name) {
        return columns.stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No statistics for column '" + name + "'"));
    }
}
