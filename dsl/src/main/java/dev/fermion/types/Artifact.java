package dev.fermion.types;

import java.nio.file.Path;

/**
 * A value that travels as a file tree rather than as a parameter. Every artifact is a directory; a step
 * reads its inputs from {@link #path()} and writes its outputs into the directory the {@code StepContext}
 * hands it.
 */
public sealed interface Artifact permits Dataset, Model, Directory {
    Path path();
}
