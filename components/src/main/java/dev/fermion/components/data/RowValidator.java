package dev.fermion.components.data;

import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.Csv;
import dev.fermion.components.table.TableSchema;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks one source line against the schema: field count, number syntax, ranges and required columns.
 * A valid line becomes a {@link CleanRow} in output-schema order; an invalid one a {@link Rejection}
 * listing every problem, so a user fixes a row in one go.
 */
final class RowValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> header;
    private final TableSchema output;
    private final boolean generatedId;
    private final int[] sourcePositions;
    private final Set<String> required;
    private final Map<String, Range> ranges;
    private final Set<String> missingMarkers;
    /** The length of the longest missing-value marker: a longer value is present without a lookup. */
    private final int longestMarker;

    private final int labelPosition;

    /**
     * @param output the schema of the rows produced; its first column is the id, generated from the line's
     *               position when {@code generatedId}, otherwise read from the source
     */
    RowValidator(
            List<String> header,
            TableSchema output,
            boolean generatedId,
            Set<String> required,
            Map<String, Range> ranges,
            Set<String> missingMarkers) {
        this.header = List.copyOf(header);
        this.output = output;
        this.generatedId = generatedId;
        this.required = Set.copyOf(required);
        this.ranges = Map.copyOf(ranges);
        this.missingMarkers = Set.copyOf(missingMarkers);
        this.longestMarker =
                missingMarkers.stream().mapToInt(String::length).max().orElse(-1);
        this.labelPosition = output.label() == null ? -1 : output.names().indexOf(output.label());
        this.sourcePositions = new int[output.columns().size()];
        for (int i = 0; i < sourcePositions.length; i++) {
            sourcePositions[i] = header.indexOf(output.columns().get(i).name());
        }
    }

    /** Either a clean row or a rejection; exactly one of the two is non-null. */
    record Outcome(CleanRow row, Rejection rejection) {}

    Outcome validate(SourceLine line, String generatedIdValue) {
        if (line.text().isBlank()) {
            return reject(line, "", RejectReason.EMPTY_LINE, "empty line");
        }
        List<String> fields;
        try {
            fields = Csv.parse(line.text());
        } catch (IllegalArgumentException e) {
            return reject(line, "", RejectReason.MALFORMED_CSV, "malformed CSV: " + e.getMessage());
        }
        if (fields.size() != header.size()) {
            return reject(
                    line, "", RejectReason.FIELD_COUNT, fields.size() + " fields but the header has " + header.size());
        }
        List<String> values = new ArrayList<>(sourcePositions.length);
        double[] numbers = new double[sourcePositions.length];
        Arrays.fill(numbers, Double.NaN);
        List<Rejection.Problem> problems = new ArrayList<>();
        for (int i = 0; i < sourcePositions.length; i++) {
            Column column = output.columns().get(i);
            if (generatedId && i == 0) {
                values.add(generatedIdValue);
                continue;
            }
            String raw = fields.get(sourcePositions[i]);
            Rejection.Problem problem = null;
            String value = raw;
            if (raw.length() <= longestMarker && missingMarkers.contains(raw)) {
                value = "";
                if (required.contains(column.name())) {
                    problem = new Rejection.Problem(
                            column.name(),
                            RejectReason.MISSING_REQUIRED,
                            "required column '" + column.name() + "' is missing");
                }
            } else if (raw.indexOf('\n') >= 0 || raw.indexOf('\r') >= 0) {
                // Only a Parquet string can hold one; the data sets this step writes keep a record per line.
                problem = new Rejection.Problem(
                        column.name(),
                        RejectReason.LINE_BREAK,
                        "column '" + column.name()
                                + "' has a line break in its value; data sets hold one record per line, so replace line "
                                + "breaks in the source");
            } else if (column.type() == ColumnType.NUMERIC) {
                problem = checkNumber(column.name(), raw, numbers, i);
            }
            if (problem != null) {
                problems.add(problem);
            }
            values.add(value);
        }
        if (!problems.isEmpty()) {
            return new Outcome(null, new Rejection(line.file(), line.line(), problems, line.text()));
        }
        String label = labelPosition < 0 ? "" : values.get(labelPosition);
        // Without a quote in the line every field was a plain CSV field: no comma, quote, line break or white
        // space at either end, so no value of the row (the generated id aside) needs quoting when written.
        boolean plain = line.text().indexOf('"') < 0;
        return new Outcome(new CleanRow(line.file(), line.line(), values.get(0), label, values, numbers, plain), null);
    }

    /** Parses a numeric value into {@code numbers[index]}, or says what is wrong with it. */
    private Rejection.Problem checkNumber(String column, String raw, double[] numbers, int index) {
        double x;
        try {
            x = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            return new Rejection.Problem(
                    column, RejectReason.NOT_A_NUMBER, "column '" + column + "' value '" + raw + "' is not a number");
        }
        if (!Double.isFinite(x)) {
            return new Rejection.Problem(
                    column, RejectReason.NOT_FINITE, "column '" + column + "' value '" + raw + "' is not finite");
        }
        Range range = ranges.get(column);
        if (range != null && !range.contains(x)) {
            return new Rejection.Problem(
                    column, RejectReason.OUT_OF_RANGE, "column '" + column + "' value " + raw + " is outside " + range);
        }
        numbers[index] = x;
        return null;
    }

    private static Outcome reject(SourceLine line, String column, RejectReason reason, String message) {
        return new Outcome(
                null,
                new Rejection(line.file(), line.line(), new Rejection.Problem(column, reason, message), line.text()));
    }
}
