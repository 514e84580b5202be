package dev.fermion.components.preprocess;

import dev.fermion.components.table.ColumnType;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Summary of one column. Numeric fields are NaN for categorical columns and for columns without any value;
 * {@code categories} counts each distinct value of a categorical column.
 */
public record ColumnStatistics(
        String name,
        ColumnType type,
        long count,
        long missing,
        double min,
        double max,
        double mean,
        double std,
        double median,
        SortedMap<String, Long> categories)
        implements java.io.Serializable {
    public ColumnStatistics {
        categories = new TreeMap<>(categories == null ? Map.of() : categories);
    }
}
