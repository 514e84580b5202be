package dev.fermion.components.data;

import java.io.Serializable;
import java.util.List;

/**
 * A validated row: where it came from, its id, its label and its values in output-schema order, missing
 * values empty.
 */
record CleanRow(String file, long line, String id, String label, List<String> values) implements Located, Serializable {
    CleanRow {
        values = List.copyOf(values);
    }
}
