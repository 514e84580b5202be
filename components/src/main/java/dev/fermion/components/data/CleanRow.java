package dev.fermion.components.data;

import java.io.Serializable;
import java.util.List;

/**
 * A validated row: where it came from, its id, its label and its values in output-schema order, missing
 * values empty. {@code numbers} holds each numeric value as validation parsed it, at the value's index (NaN
 * where a value is missing or not numeric), so that statistics and the feature transform never parse a
 * value again.
 */
record CleanRow(String file, long line, String id, String label, List<String> values, double[] numbers)
        implements Located, Serializable {
    CleanRow {
        values = List.copyOf(values);
        if (numbers.length != values.size()) {
            throw new IllegalArgumentException("A row of " + values.size() + " values with " + numbers.length
                    + " parsed numbers");
        }
    }
}
