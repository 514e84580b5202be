package dev.fermion.compiler.argo;

import java.util.List;

public record DagTemplate(List<DagTask> tasks) {}
