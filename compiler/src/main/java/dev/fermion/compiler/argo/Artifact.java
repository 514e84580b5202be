package dev.fermion.compiler.argo;

/** An artifact port: {@code path} inside a container template, {@code from} in task arguments and DAG outputs. */
public record Artifact(String name, String path, String from) {

    public static Artifact atPath(String name, String path) {
        return new Artifact(name, path, null);
    }

    public static Artifact from(String name, String reference) {
        return new Artifact(name, null, reference);
    }

    public static Artifact declared(String name) {
        return new Artifact(name, null, null);
    }
}
