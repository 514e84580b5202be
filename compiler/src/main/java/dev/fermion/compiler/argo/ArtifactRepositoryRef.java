package dev.fermion.compiler.argo;

public record ArtifactRepositoryRef(String configMap, String key) {}
