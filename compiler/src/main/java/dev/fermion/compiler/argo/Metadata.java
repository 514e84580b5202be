package dev.fermion.compiler.argo;

import java.util.Map;

public record Metadata(Map<String, String> labels, Map<String, String> annotations) {}
