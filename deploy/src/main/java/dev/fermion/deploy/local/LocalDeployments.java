package dev.fermion.deploy.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.contract.Home;
import dev.fermion.deploy.DeployNames;
import dev.fermion.deploy.ModelDigest;
import dev.fermion.deploy.SmokeTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The model servers this machine runs, recorded under {@code <Fermion home>/deployments}: one
 * {@code <name>.json} per deployment, and under {@code <name>/} the bundle copies and server logs of the
 * current and the previous version. Any JVM can list, check and stop them, so the CLI stops at the end of a
 * run what that run started ({@link #stopStartedBy}).
 *
 * <p>A deployment of a name that already serves replaces the old server only after the new one answered
 * its smoke test: until then the old one keeps serving, so the name is never without a server. The new
 * server listens on a port of its own; the registry and the step's {@code endpoint} output carry the URL.
 * Deploying the model a running server already serves changes nothing: it is up to date.
 */
public final class LocalDeployments {
    public static final String DIRECTORY = "deployments";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

    private final Path root;
    private final ServeProcess servers = new ServeProcess();
    private final SmokeTest smokeTest = new SmokeTest();

    /** The registry under Fermion home {@code home}. */
    public LocalDeployments(Path home) {
        this.root = home.resolve(DIRECTORY).toAbsolutePath().normalize();
    }

    /** The registry under the Fermion home ({@link Home}), where the local runner keeps runs. */
    public static LocalDeployments fromEnvironment() {
        return new LocalDeployments(Home.directory());
    }

    public Path root() {
        return root;
    }

    /** What a deployment left serving, and whether that server was already serving the model. */
    public record Rollout(LocalDeployment deployment, boolean upToDate) {}

    /**
     * Serves the bundle in {@code model} as {@code name}, version {@code version}: copies the bundle into the
     * registry, starts a server, smoke-tests it with a real prediction, then records it and stops the server
     * it replaces. A server that fails its smoke test is stopped and the old one keeps serving.
     *
     * <p>A name whose server runs and serves a bundle with the same {@link ModelDigest} is up to date: its
     * server is left as it is, under the version it was deployed as, and only lives longer if this
     * deployment asks (kept running, or until the end of run {@code runId}).
     */
    public Rollout deploy(
            String name, String version, Path model, String runId, boolean keepRunning, Consumer<String> log) {
        DeployNames.name(name);
        DeployNames.version(version);
        ModelBundle.read(model);
        String digest = ModelDigest.of(model);
        return locked(name, "deploy '" + name + "'", () -> {
            Optional<LocalDeployment> current = find(name);
            Optional<LocalDeployment> serving =
                    current.filter(c -> digest.equals(c.modelDigest()) && c.stoppedAt() == null && servers.healthy(c));
            if (serving.isPresent()) {
                return new Rollout(keep(serving.get(), runId, keepRunning, log), true);
            }
            Path slot = newSlot(name, version);
            copyBundle(model, slot.resolve("model"));
            LocalDeployment.Version previous = current.filter(c -> !c.version().equals(version))
                    .map(LocalDeployment::asVersion)
                    .orElse(current.map(LocalDeployment::previous).orElse(null));
            LocalDeployment started = start(name, version, slot, runId, keepRunning, previous, log);
            replace(current, started, log);
            return new Rollout(started, false);
        });
    }

    /**
     * The running server of a model deployed again: kept, and recorded to live as long as the longer of the
     * two deployments asks: a kept server stays kept, else it stops when the later run ends.
     */
    private LocalDeployment keep(LocalDeployment current, String runId, boolean keepRunning, Consumer<String> log) {
        log.accept("'" + current.name() + "' already serves this model (" + current.modelDigest() + ") as version "
                + current.version() + " at " + current.url() + ": up to date, no new server");
        if (current.keepRunning()) {
            return current;
        }
        LocalDeployment kept = current.lifetime(runId, keepRunning);
        if (!kept.equals(current)) {
            write(kept);
        }
        return kept;
    }

    /**
     * Serves the version {@code name} served before its current one, with the same checks as a deployment;
     * the version rolled back from becomes the one a further rollback returns to.
     */
    public LocalDeployment rollback(String name, String runId, boolean keepRunning, Consumer<String> log) {
        DeployNames.name(name);
        return locked(name, "roll back '" + name + "'", () -> {
            LocalDeployment current = find(name)
                    .orElseThrow(
                            () -> new IllegalStateException("No local deployment is named '" + name + "'; " + names()));
            LocalDeployment.Version target = current.previous();
            if (target == null || !Files.isDirectory(Path.of(target.modelPath()))) {
                throw new IllegalStateException("Deployment '" + name + "' has no previous version to roll back to: "
                        + "version " + current.version() + " is the only one it served");
            }
            Path slot = newSlot(name, target.version());
            copyBundle(Path.of(target.modelPath()), slot.resolve("model"));
            log.accept("Rolling '" + name + "' back from version " + current.version() + " to " + target.version());
            LocalDeployment started = start(name, target.version(), slot, runId, keepRunning, current.asVersion(), log);
            replace(Optional.of(current), started, log);
            return started;
        });
    }

    /** Every recorded deployment, running or stopped, by name. */
    public List<LocalDeployment> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(root)) {
            List<LocalDeployment> all = new ArrayList<>();
            // Records being written are hidden files beside them (see write).
            for (Path file : files.filter(LocalDeployments::isRecord).sorted().toList()) {
                all.add(read(file));
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the deployments in " + root, e);
        }
    }

    private static boolean isRecord(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") && !name.startsWith(".");
    }

    public Optional<LocalDeployment> find(String name) {
        Path file = record(DeployNames.name(name));
        return Files.exists(file) ? Optional.of(read(file)) : Optional.empty();
    }

    /** Whether the recorded server process runs and answers ready; any JVM can tell. */
    public boolean isServing(LocalDeployment deployment) {
        return servers.healthy(deployment);
    }

    /** Stops the server of {@code name}; false if it was not running. The record stays, for rollback. */
    public boolean stop(String name) {
        return locked(
                name,
                "stop '" + name + "'",
                () -> stop(find(name)
                        .orElseThrow(() ->
                                new IllegalStateException("No local deployment is named '" + name + "'; " + names()))));
    }

    /**
     * Stops the servers run {@code runId} started and did not ask to keep running; what the run's end
     * calls. Returns the names it stopped.
     */
    public List<String> stopStartedBy(String runId) {
        List<String> stopped = new ArrayList<>();
        for (LocalDeployment listed : list()) {
            String name = listed.name();
            // Checked again under the lock: another run may have replaced the server since the listing.
            boolean stoppedOne = locked(
                    name,
                    "stop '" + name + "'",
                    () -> find(name)
                            .filter(d -> runId.equals(d.runId()) && !d.keepRunning())
                            .map(this::stop)
                            .orElse(false));
            if (stoppedOne) {
                stopped.add(name);
            }
        }
        return stopped;
    }

    private boolean stop(LocalDeployment deployment) {
        if (deployment.stoppedAt() != null) {
            return false;
        }
        Optional<ProcessHandle> process = ServeProcess.process(deployment);
        process.ifPresent(ServeProcess::stop);
        write(deployment.stopped(Instant.now().toString()));
        return process.isPresent();
    }

    private LocalDeployment start(
            String name,
            String version,
            Path slot,
            String runId,
            boolean keepRunning,
            LocalDeployment.Version previous,
            Consumer<String> log) {
        Path model = slot.resolve("model");
        Path serverLog = slot.resolve("serve.log");
        log.accept("Starting fermion-serve for '" + name + "' version " + version + " (log: " + serverLog + ")");
        ServeProcess.Started server = servers.start(name, model, serverLog);
        LocalDeployment started = new LocalDeployment(
                name,
                version,
                server.pid(),
                server.processStart(),
                server.url().toString(),
                model.toString(),
                ModelDigest.of(model),
                runId,
                Instant.now().toString(),
                keepRunning,
                null,
                previous);
        try {
            SmokeTest.Exchange exchange = smokeTest.run(server.url(), name, ModelBundle.read(model));
            log.accept("Smoke test POST " + exchange.url());
            log.accept("  request:  " + exchange.request());
            log.accept("  response: " + exchange.response());
        } catch (RuntimeException e) {
            ServeProcess.process(started).ifPresent(ServeProcess::stop);
            throw e;
        }
        return started;
    }

    /** Records {@code started} as the server of its name, then stops the one it replaces and prunes old copies. */
    private void replace(Optional<LocalDeployment> current, LocalDeployment started, Consumer<String> log) {
        write(started);
        current.flatMap(ServeProcess::process).ifPresent(old -> {
            log.accept("Stopping the replaced server of '" + started.name() + "' version "
                    + current.get().version() + " at " + current.get().url());
            ServeProcess.stop(old);
        });
        prune(started);
    }

    /** Removes the bundle copies and logs that neither the current nor the previous version uses. */
    private void prune(LocalDeployment deployment) {
        Set<Path> keep = new HashSet<>();
        keep.add(Path.of(deployment.modelPath()).getParent());
        if (deployment.previous() != null) {
            keep.add(Path.of(deployment.previous().modelPath()).getParent());
        }
        try (Stream<Path> slots = Files.list(root.resolve(deployment.name()))) {
            for (Path slot : slots.filter(s -> !keep.contains(s)).toList()) {
                delete(slot);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prune old versions of '" + deployment.name() + "'", e);
        }
    }

    /** A directory of its own for each start, so a redeployed version never overwrites files a server reads. */
    private Path newSlot(String name, String version) throws IOException {
        Path parent = Files.createDirectories(root.resolve(name));
        return Files.createTempDirectory(parent, version + "-");
    }

    private static void copyBundle(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String file : ModelBundle.files()) {
            if (!Files.isRegularFile(from.resolve(file))) {
                throw new IllegalArgumentException("Model bundle " + from + " lacks " + file
                        + "; it is incomplete, so retrain it rather than deploy it");
            }
            Files.copy(from.resolve(file), to.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Runs {@code work} holding the lock of {@code name}, so two runs never both replace the same server. */
    private <T> T locked(String name, String what, LockedWork<T> work) {
        Path file = root.resolve("." + DeployNames.name(name) + ".lock");
        // A file lock excludes other JVMs only; threads of this one (parallel steps) wait on the monitor.
        synchronized (MONITORS.computeIfAbsent(file, f -> new Object())) {
            return lockedFile(file, what, work);
        }
    }

    private <T> T lockedFile(Path file, String what, LockedWork<T> work) {
        try {
            Files.createDirectories(root);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                // Released when the channel closes.
                channel.lock();
                return work.run();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot " + what + " under " + root + ": " + e.getMessage(), e);
        }
    }

    private Path record(String name) {
        return root.resolve(name + ".json");
    }

    private LocalDeployment read(Path file) {
        try {
            return JSON.readValue(file.toFile(), LocalDeployment.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read deployment record " + file + ": " + e.getMessage(), e);
        }
    }

    /** Written beside the record and moved over it, so readers never see half a record. */
    private void write(LocalDeployment deployment) {
        Path file = record(deployment.name());
        try {
            Path staged = Files.createTempFile(root, "." + deployment.name() + "-", ".json");
            JSON.writeValue(staged.toFile(), deployment);
            try {
                Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write deployment record " + file, e);
        }
    }

    private String names() {
        List<String> names = list().stream().map(LocalDeployment::name).toList();
        return names.isEmpty() ? "there are none under " + root : "there are " + names;
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** Work done under a name's lock. */
    @FunctionalInterface
    private interface LockedWork<T> {
        T run() throws IOException;
    }
}
