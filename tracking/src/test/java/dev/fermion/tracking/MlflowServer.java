package dev.fermion.tracking;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A real MLflow server for tests, with its own data directory. When it cannot start, the test is skipped
 * with the reason, unless {@code FERMION_REQUIRE_MLFLOW=true} (CI), which makes it fail.
 */
final class MlflowServer {
    private final LocalMlflowServer server;
    private URI uri;

    private MlflowServer(LocalMlflowServer server) {
        this.server = server;
    }

    /** Starts a server keeping its state in {@code data}, sharing the developer's mlflow venv. */
    static MlflowServer start(Path data) {
        return start(data, LocalMlflowServer::start);
    }

    /** Starts a server with MLflow's basic-auth app, whose admin is {@code username}. */
    static MlflowServer startWithBasicAuth(Path data, String username, String password) {
        return start(data, local -> local.startWithBasicAuth(username, password, null));
    }

    private static MlflowServer start(Path data, java.util.function.Function<LocalMlflowServer, URI> starter) {
        String home = System.getenv("FERMION_HOME");
        Path fermionHome =
                home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".fermion");
        MlflowServer server = new MlflowServer(new LocalMlflowServer(fermionHome, data));
        try {
            server.uri = starter.apply(server.server);
        } catch (IllegalStateException e) {
            if ("true".equalsIgnoreCase(System.getenv("FERMION_REQUIRE_MLFLOW"))) {
                throw new IllegalStateException(
                        "MLflow is required (FERMION_REQUIRE_MLFLOW=true) but did not start", e);
            }
            Assumptions.abort("no MLflow server: " + e.getMessage());
        }
        return server;
    }

    LocalMlflowServer local() {
        return server;
    }

    URI uri() {
        return uri;
    }

    /** Starts the stopped server again, on the same port and with the same data. */
    void restart() {
        server.start(uri.getPort());
    }

    void stop() {
        server.stop();
    }
}
