package dev.fermion.compiler.argo;

import java.util.Map;

/** The part of Kubernetes object metadata a compiled pipeline sets. */
public record ResourceMeta(
        String name,
        String generateName,
        String namespace,
        Map<String, String> labels,
        Map<String, String> annotations) {}
