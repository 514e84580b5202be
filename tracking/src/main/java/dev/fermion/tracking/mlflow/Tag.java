package dev.fermion.tracking.mlflow;

/** A run, model or registry tag. */
public record Tag(String key, String value) {}
