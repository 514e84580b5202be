package dev.fermion.compiler.argo;

public record ValueFrom(String path, String parameter) { }
