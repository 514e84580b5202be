package dev.fermion.types;

import java.nio.file.Path;
import java.util.Objects;

/** A tabular data set: a directory of data files (CSV or Parquet) plus optional schema and statistics. */
public record Dataset(Path path) implements Artifact {
    public Dataset {
        Objects.requireNonNull(path, "path");
    }

    public Path file(String name) {
        return path.resolve(name);
    }
}
