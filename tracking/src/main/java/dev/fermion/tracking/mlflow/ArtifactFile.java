package dev.fermion.tracking.mlflow;

/** An entry of an artifact listing, its path relative to the listed root. */
public record ArtifactFile(String path, boolean directory, long size) {}
