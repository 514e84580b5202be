package dev.fermion.runtime.launch;

import dev.fermion.types.Artifact;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.Model;
import dev.fermion.types.ValueType;
import java.nio.file.Path;

/** Artifact directories as the type their port declares, for steps and for the runner's listeners. */
public final class Artifacts {
    private Artifacts() {}

    public static Artifact of(ValueType<?> type, Path path) {
        Class<?> raw = type.rawType();
        if (raw == Dataset.class) {
            return new Dataset(path);
        }
        if (raw == Model.class) {
            return new Model(path);
        }
        return new Directory(path);
    }
}
