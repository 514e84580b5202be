package dev.fermion.compiler.argo;

import java.util.List;

public record Inputs(List<Parameter> parameters, List<Artifact> artifacts) {}
