package dev.fermion.compiler.argo;

import java.util.List;

public record DagTask(
        String name,
        String template,
        List<String> dependencies,
        String when,
        List<String> withItems,
        String withParam,
        Arguments arguments) {}
