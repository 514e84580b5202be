package dev.fermion.components.data;

import java.util.Locale;

/** How the files of a preparation source are encoded. */
public enum SourceFormat {
    /** Parquet when the file name ends in {@code .parquet} or {@code .pq}, CSV otherwise. */
    AUTO,
    /** A header line naming the columns, then one RFC 4180 record per line. */
    CSV,
    /** Flat Parquet: one column per field, no nested or repeated fields. */
    PARQUET;

    SourceFormat of(String file) {
        if (this != AUTO) {
            return this;
        }
        String name = file.toLowerCase(Locale.ROOT);
        return name.endsWith(".parquet") || name.endsWith(".pq") ? PARQUET : CSV;
    }
}
