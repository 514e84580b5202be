package dev.fermion.compiler.argo;

import java.util.List;

public record Outputs(List<Parameter> parameters, List<Artifact> artifacts) {}
