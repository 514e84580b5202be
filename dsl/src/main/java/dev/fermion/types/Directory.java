package dev.fermion.types;

import java.nio.file.Path;
import java.util.Objects;

/** Any other file tree passed between steps (reports, checkpoints, exported files). */
public record Directory(Path path) implements Artifact {
    public Directory {
        Objects.requireNonNull(path, "path");
    }

    public Path file(String name) {
        return path.resolve(name);
    }
}
