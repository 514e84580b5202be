package dev.fermion.components.data;

import dev.fermion.components.table.Csv;

import java.io.Serializable;
import java.util.List;

/** A row that failed validation, where it was, the first bad column and every reason. */
record Rejection(String file, long line, String column, String reason, String row) implements Located, Serializable {
    static final List<String> HEADER = List.of("file", "line", "column", "reason", "row");

    /** One record per line: line breaks inside the row (a Parquet string can hold them) are written escaped. */
    String toCsv() {
        return Csv.format(List.of(file, Long.toString(line), column, reason,
                row.replace("\r", "\\r").replace("\n", "\\n")));
    }
}
