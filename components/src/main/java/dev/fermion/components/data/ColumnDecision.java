package dev.fermion.components.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import java.util.List;

/**
 * How a column's type was decided, for the step's report: declared in {@code schema}, stored in a Parquet
 * file, the id, or inferred from a sample of the source. An inferred column says how many of its sampled
 * values were numbers and shows the first that were not, whose rows a numeric column rejects.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ColumnDecision(
        String name, ColumnType type, String basis, Long sampled, Long numbers, List<SampleValue> notNumbers) {
    static final String DECLARED = "declared";
    static final String INFERRED = "inferred";
    static final String PARQUET = "parquet schema";
    static final String ID = "id";

    /** A value of the sample and its line. */
    record SampleValue(long line, String value) {}

    static ColumnDecision of(Column column, String basis) {
        return new ColumnDecision(column.name(), column.type(), basis, null, null, null);
    }

    Column column() {
        return new Column(name, type);
    }
}
