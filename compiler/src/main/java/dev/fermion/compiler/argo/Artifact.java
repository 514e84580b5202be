package dev.fermion.compiler.argo;

/**
 * An artifact port: {@code path} inside a container template, {@code from} in task arguments and DAG outputs,
 * or {@code raw} data written in the workflow (a constant file).
 */
public record Artifact(String name, String path, String from, Raw raw) {

    /** A raw artifact's content. */
    public record Raw(String data) {}

    public static Artifact atPath(String name, String path) {
        return new Artifact(name, path, null, null);
    }

    public static Artifact from(String name, String reference) {
        return new Artifact(name, null, reference, null);
    }

    public static Artifact declared(String name) {
        return new Artifact(name, null, null, null);
    }
}
