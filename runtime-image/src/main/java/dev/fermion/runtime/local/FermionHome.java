package dev.fermion.runtime.local;

import java.nio.file.Path;

/**
 * Where the local runner keeps its state: {@code $FERMION_HOME}, or {@code ~/.fermion}. Runs live under
 * {@code runs/<run-id>/}, cached step results under {@code cache/<key>/}.
 */
public record FermionHome(Path root) {

    public static FermionHome fromEnvironment() {
        String env = System.getenv("FERMION_HOME");
        if (env != null && !env.isBlank()) {
            return new FermionHome(Path.of(env));
        }
        return new FermionHome(Path.of(System.getProperty("user.home"), ".fermion"));
    }

    public Path runs() {
        return root.resolve("runs");
    }

    public Path run(String runId) {
        return runs().resolve(runId);
    }

    public Path cache() {
        return root.resolve("cache");
    }
}
