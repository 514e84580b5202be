package dev.fermion.types;

import java.nio.file.Path;
import java.util.Objects;

/** A trained model: a self-contained directory of weights, architecture and preprocessing metadata. */
public record Model(Path path) implements Artifact {
    public Model {
        Objects.requireNonNull(path, "path");
    }

    public Path file(String name) {
        return path.resolve(name);
    }
}
