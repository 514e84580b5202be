package dev.fermion.components.data;

import dev.fermion.components.table.Csv;

import java.io.Serializable;
import java.util.List;

/**
 * A validated row: where it came from, its id, its label and its values in output-schema order, missing
 * values empty. {@code numbers} holds each numeric value as validation parsed it, at the value's index (NaN
 * where a value is missing or not numeric), so that statistics and the feature transform never parse a
 * value again. {@code plain} says that no value but the id needs quotes in CSV.
 */
record CleanRow(String file, long line, String id, String label, List<String> values, double[] numbers,
                boolean plain) implements Located, Serializable {
    CleanRow {
        values = List.copyOf(values);
        if (numbers.length != values.size()) {
            throw new IllegalArgumentException("A row of " + values.size() + " values with " + numbers.length
                    + " parsed numbers");
        }
    }

    /** Appends the row as a CSV record, without its line break. */
    StringBuilder appendTo(StringBuilder line) {
        if (!plain) {
            return Csv.appendRecord(line, values);
        }
        Csv.appendField(line, values.get(0));
        for (int i = 1; i < values.size(); i++) {
            line.append(',').append(values.get(i));
        }
        return line;
    }
}
