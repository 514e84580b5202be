package dev.fermion.tracking.mlflow;

/** A run parameter. MLflow refuses to change a logged value but accepts the same value again. */
public record Param(String key, String value) {}
