package dev.fermion.dsl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A data set a step read from outside the pipeline (a CSV file, a table, a bucket prefix), as a step
 * reports it with {@link StepContext#source}: tracking shows it as the step's input, with its schema and size.
 *
 * @param name    a short name people recognise (the file name, the table)
 * @param source  where it lives: a path or URI
 * @param digest  what identifies its content (for a component with a {@code sourceDigest}, that digest)
 * @param columns each column's type, in the data set's order ({@code double}, {@code long}, {@code string}, ...)
 * @param rows    how many rows it has, or -1 when unknown
 */
public record SourceDataset(String name, String source, String digest, Map<String, String> columns, long rows) {
    public SourceDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(digest, "digest");
        columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }
}
