package dev.fermion.components.data;

import dev.fermion.components.table.Csv;
import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/** A row that failed validation, where it was, and everything wrong with it. */
record Rejection(String file, long line, List<Problem> problems, String row) implements Located, Serializable {
    static final List<String> HEADER = List.of("file", "line", "column", "reason", "row");

    /** One thing wrong with a row: its column (empty for the row as a whole), its kind and its message. */
    record Problem(String column, RejectReason reason, String message) implements Serializable {}

    Rejection {
        problems = List.copyOf(problems);
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("A rejection needs a reason");
        }
    }

    Rejection(String file, long line, Problem problem, String row) {
        this(file, line, List.of(problem), row);
    }

    /** The first bad column, empty when the row as a whole is bad. */
    String column() {
        return problems.get(0).column();
    }

    /** Every reason of the row, so that a user fixes it in one go. */
    String reason() {
        return problems.stream().map(Problem::message).collect(Collectors.joining("; "));
    }

    /** One record per line: line breaks inside the row (a Parquet string can hold them) are written escaped. */
    String toCsv() {
        return Csv.format(List.of(
                file,
                Long.toString(line),
                column(),
                reason(),
                row.replace("\r", "\\r").replace("\n", "\\n")));
    }
}
