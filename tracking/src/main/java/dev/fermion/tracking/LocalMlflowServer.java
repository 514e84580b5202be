package dev.fermion.tracking;

import dev.fermion.contract.TrackingEnv;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A local MLflow server on loopback, run by {@code scripts/mlflow-server.sh} (shipped inside this jar): a
 * pinned mlflow in a venv under the Fermion home, a sqlite database and proxied artifacts in
 * {@code dataDir}. For {@code --mlflow auto} and for tests.
 */
public final class LocalMlflowServer {
    // The first start installs mlflow into its venv.
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(15);

    private final Path fermionHome;
    private final Path dataDir;

    public LocalMlflowServer(Path fermionHome, Path dataDir) {
        this.fermionHome = fermionHome;
        this.dataDir = dataDir;
    }

    /** The server of a Fermion home, keeping its data in {@code <home>/mlflow}. */
    public static LocalMlflowServer of(Path fermionHome) {
        return new LocalMlflowServer(fermionHome, fermionHome.resolve("mlflow"));
    }

    /** Starts the server on a free port, or returns the URI of the one already running. */
    public URI start() {
        return URI.create(run(Map.of(), "start"));
    }

    /** Starts the server on {@code port}, or returns the URI of the one already running. */
    public URI start(int port) {
        return URI.create(run(Map.of(), "start", "--port", Integer.toString(port)));
    }

    /**
     * Starts the server with MLflow's basic-auth app on {@code port} (null: a free one), or returns the URI
     * of the one already running with it. {@code username} is its admin, created with {@code password} when
     * the server first starts on this data directory; clients then authenticate as
     * {@link dev.fermion.tracking.mlflow.MlflowCredentials#basic} does.
     */
    public URI startWithBasicAuth(String username, String password, Integer port) {
        List<String> args = new ArrayList<>(List.of("start", "--basic-auth"));
        if (port != null) {
            args.addAll(List.of("--port", port.toString()));
        }
        return URI.create(run(
                Map.of(TrackingEnv.USERNAME, username, TrackingEnv.PASSWORD, password), args.toArray(String[]::new)));
    }

    public void stop() {
        run(Map.of(), "stop");
    }

    /** The URI of the running server, if it answers. */
    public Optional<URI> status() {
        try {
            return Optional.of(URI.create(run(Map.of(), "status")));
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs the script with {@code env} added to this process's environment (never its arguments, which any
     * user can list); its last line of output, or an exception with its error output.
     */
    private String run(Map<String, String> env, String... args) {
        try {
            Files.createDirectories(dataDir);
            Path script = extractScript();
            Path out = dataDir.resolve("script.out");
            Path err = dataDir.resolve("script.err");
            List<String> command = new ArrayList<>(List.of("bash", script.toString()));
            command.addAll(List.of(args));
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("FERMION_HOME", fermionHome.toString());
            builder.environment().put("FERMION_MLFLOW_DATA", dataDir.toString());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(SCRIPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("mlflow-server.sh " + args[0] + " did not finish in " + SCRIPT_TIMEOUT);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("mlflow-server.sh " + args[0] + " failed: "
                        + Files.readString(err, StandardCharsets.UTF_8).trim());
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run mlflow-server.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running mlflow-server.sh", e);
        }
    }

    private Path extractScript() throws IOException {
        Path script = dataDir.resolve("mlflow-server.sh");
        try (InputStream in = LocalMlflowServer.class.getResourceAsStream("mlflow-server.sh")) {
            if (in == null) {
                throw new IllegalStateException("mlflow-server.sh is missing from the fermion-tracking jar");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }
}
