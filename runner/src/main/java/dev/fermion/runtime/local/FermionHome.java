package dev.fermion.runtime.local;

import dev.fermion.contract.Home;
import java.nio.file.Path;

/**
 * Where the local runner keeps its state: the {@link Home} directory. Runs live under
 * {@code runs/<run-id>/}, cached step results under {@code cache/<key>/}.
 */
public record FermionHome(Path root) {

    public static FermionHome fromEnvironment() {
        return new FermionHome(Home.directory());
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
