package dev.fermion.compiler.argo;

import java.util.List;

public record Arguments(List<Parameter> parameters, List<Artifact> artifacts) {}
