package dev.fermion.deploy.local;

import dev.fermion.serving.ServeMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code fermion-serve} as a child JVM on this machine, and the checks on one that any later JVM can make:
 * a process is the recorded one only if its id and its start time both match, so a reused process id is
 * never taken for the server, nor stopped.
 */
final class ServeProcess {
    private static final String LISTENING = "fermion-serve listening on ";
    // Loading PyTorch and the model copies takes seconds; two minutes cover a loaded machine.
    private static final Duration STARTUP = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration STOP = Duration.ofSeconds(30);
    /** Settings of this JVM the server needs too: DJL must stay offline and pick the same engine. */
    private static final List<String> INHERITED_PROPERTIES = List.of("ai.djl.offline", "ai.djl.default_engine");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A server that printed its URL; {@code processStart} as {@link #startOf} reports it. */
    record Started(long pid, String processStart, URI url) {}

    /**
     * Starts the server for {@code modelDir} as model {@code name} on a free port, its output appended to
     * {@code log}, and waits for the URL it prints. The server outlives this JVM: its output goes to a file,
     * not to a pipe that would break when this JVM exits.
     */
    Started start(String name, Path modelDir, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String property : INHERITED_PROPERTIES) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        command.addAll(inheritedClassData());
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                ServeMain.class.getName(),
                "--model",
                name + "=" + modelDir,
                "--port",
                "0"));
        Process process;
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start fermion-serve for '" + name + "': " + e.getMessage(), e);
        }
        Instant deadline = Instant.now().plus(STARTUP);
        while (true) {
            Optional<URI> url = listening(log);
            if (url.isPresent()) {
                return new Started(process.pid(), startOf(process.toHandle()), url.get());
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("fermion-serve for '" + name + "' exited with status "
                        + process.exitValue() + " before it listened:\n" + tail(log));
            }
            if (Instant.now().isAfter(deadline)) {
                stop(process.toHandle());
                throw new IllegalStateException("fermion-serve for '" + name + "' did not listen within "
                        + STARTUP.toSeconds() + " s; its output:\n" + tail(log));
            }
            pause();
        }
    }

    /**
     * The class-data sharing archive this JVM maps (the {@code fermion} script's), for the server, which runs on
     * the same class path and so may map it too: it holds the DJL, model and Jackson classes a run loaded, about
     * a fifth of the server's start.
     */
    private static List<String> inheritedClassData() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(argument -> argument.startsWith("-XX:SharedArchiveFile="))
                .findFirst()
                .map(argument -> List.of(argument, "-Xlog:cds=off"))
                .orElse(List.of());
    }

    /** The recorded server's process, if it still runs. */
    static Optional<ProcessHandle> process(LocalDeployment deployment) {
        if (deployment.pid() == null) {
            return Optional.empty();
        }
        return ProcessHandle.of(deployment.pid())
                .filter(ProcessHandle::isAlive)
                .filter(p -> deployment.processStart() == null
                        || deployment.processStart().equals(startOf(p)));
    }

    /** Whether the recorded process runs and its server answers ready. */
    boolean healthy(LocalDeployment deployment) {
        return process(deployment).isPresent() && ready(URI.create(deployment.url()));
    }

    boolean ready(URI base) {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(base.resolve("/v2/health/ready"))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Asks the server to stop (it closes on SIGTERM), then forces it if it has not within the grace period. */
    static void stop(ProcessHandle process) {
        process.destroy();
        try {
            process.onExit().get(STOP.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static String startOf(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toString).orElse(null);
    }

    private static Optional<URI> listening(Path log) {
        try {
            if (!Files.exists(log)) {
                return Optional.empty();
            }
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith(LISTENING))
                    .reduce((first, last) -> last)
                    .map(l -> URI.create(l.substring(LISTENING.length()).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the output of fermion-serve in " + log, e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for fermion-serve to listen", e);
        }
    }
}
