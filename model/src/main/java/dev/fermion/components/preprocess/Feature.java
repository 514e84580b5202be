package dev.fermion.components.preprocess;

import dev.fermion.components.table.ColumnType;
import java.io.Serializable;
import java.util.List;

/**
 * The fitted transform of one input column. A numeric column becomes one value
 * {@code ((x, or fill when missing) - center) / scale}; a categorical column becomes one indicator per
 * known category, all zero for a missing or unseen category.
 */
public record Feature(String column, ColumnType type, double fill, double center, double scale, List<String> categories)
        implements Serializable {
    public Feature {
        categories = List.copyOf(categories);
    }

    public int width() {
        return type == ColumnType.NUMERIC ? 1 : categories.size();
    }

    public List<String> names() {
        return type == ColumnType.NUMERIC
                ? List.of(column)
                : categories.stream().map(c -> column + "=" + c).toList();
    }
}
