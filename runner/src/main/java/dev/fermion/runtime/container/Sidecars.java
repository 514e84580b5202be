package dev.fermion.runtime.container;

import dev.fermion.plan.Sidecar;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a step's sidecars locally, as Argo runs them in the step's pod: in the container engine, all in one
 * network namespace (the first sidecar's), as the pod's user. Their ports are published on 127.0.0.1, so a
 * Java step reaches them on {@code localhost} as in a pod; a container step joins their network namespace.
 * The step starts once every declared port accepts connections. This machine has one set of ports, so steps
 * whose sidecars publish the same port take turns; pods do not need to.
 */
public final class Sidecars {
    private static final Duration READY_WITHIN = Duration.ofMinutes(2);
    private static final long POLL_MILLIS = 100;

    private final ContainerRuntime setting;
    private final EngineSelector engines;
    private final java.util.function.UnaryOperator<String> images;
    private final Map<Integer, ReentrantLock> ports = new ConcurrentHashMap<>();

    /** @param images the image each sidecar image is run as here (the run's image map) */
    public Sidecars(ContainerRuntime setting, EngineSelector engines, java.util.function.UnaryOperator<String> images) {
        this.setting = setting;
        this.engines = engines;
        this.images = images;
    }

    /**
     * Fails unless sidecars can run here: they need Docker or Podman, whatever runs the step itself.
     *
     * @throws ContainerSetupException naming the step and the sidecar
     */
    public void requireEngine(String where, List<Sidecar> sidecars) {
        ContainerEngine engine = engine(where, sidecars);
        for (Sidecar sidecar : sidecars) {
            engines.requireImage(
                    engine,
                    images.apply(sidecar.image()),
                    sidecar.image(),
                    where + ", sidecar '" + sidecar.name() + "'");
        }
    }

    private ContainerEngine engine(String where, List<Sidecar> sidecars) {
        String what = where + " has sidecar '" + sidecars.get(0).name() + "' ("
                + sidecars.get(0).image() + ")";
        if (setting == ContainerRuntime.HOST) {
            throw new ContainerSetupException(what + ", which runs in a container engine, but the run uses "
                    + "--container-runtime host: run with Docker or Podman (--container-runtime auto)");
        }
        return engines.select(setting, what, sidecars.get(0).image());
    }

    /**
     * Starts {@code sidecars} and waits until their ports accept connections; their logs go to
     * {@code sidecar-NAME.log} in {@code logDir} when they are stopped.
     *
     * @throws ContainerSetupException when a sidecar cannot start or does not get ready; none is left running
     */
    public Running start(String where, List<Sidecar> sidecars, Path logDir) throws InterruptedException {
        ContainerEngine engine = engine(where, sidecars);
        List<ReentrantLock> held = new ArrayList<>();
        for (int port :
                new TreeSet<>(sidecars.stream().flatMap(s -> s.ports().stream()).toList())) {
            ReentrantLock lock = ports.computeIfAbsent(port, p -> new ReentrantLock());
            lock.lockInterruptibly();
            held.add(lock);
        }
        Running running = new Running(engine, held, logDir);
        try {
            for (int i = 0; i < sidecars.size(); i++) {
                Sidecar sidecar = sidecars.get(i);
                String name = ContainerEngine.containerName("sidecar-" + sidecar.name());
                // As a step's containers run: the engine's settings, no capabilities, the pod's user.
                List<String> argv = new ArrayList<>(engine.run(name, logDir));
                argv.add(2, "-d");
                if (i == 0) {
                    for (Sidecar each : sidecars) {
                        each.ports().forEach(port -> argv.addAll(List.of("-p", "127.0.0.1:" + port + ":" + port)));
                    }
                } else {
                    argv.addAll(List.of("--network", "container:" + running.names.get(0)));
                }
                // By name only: the values come from the CLI's environment and never appear in its arguments.
                sidecar.env().keySet().forEach(variable -> argv.addAll(List.of("-e", variable)));
                if (!sidecar.command().isEmpty()) {
                    argv.addAll(List.of("--entrypoint", sidecar.command().get(0)));
                }
                argv.add(images.apply(sidecar.image()));
                if (!sidecar.command().isEmpty()) {
                    argv.addAll(sidecar.command().subList(1, sidecar.command().size()));
                }
                argv.addAll(sidecar.args());
                Result started = run(engine, argv, sidecar.env());
                if (!started.ok()) {
                    throw new ContainerSetupException(where + ": sidecar '" + sidecar.name() + "' (" + sidecar.image()
                            + ") did not start: " + started.output());
                }
                running.names.add(name);
                running.sidecars.add(sidecar);
            }
            running.awaitPorts(where);
            return running;
        } catch (RuntimeException | InterruptedException e) {
            running.close();
            throw e;
        }
    }

    /** What an engine command printed, and whether it succeeded. */
    private record Result(boolean ok, String output) {}

    /** Runs an engine command to its end (at most a minute). */
    private static Result run(ContainerEngine engine, List<String> argv, Map<String, String> env)
            throws InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(engine.environment());
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            String output =
                    new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return new Result(false, argv.get(1) + " did not answer within a minute");
            }
            return new Result(process.exitValue() == 0, output.strip());
        } catch (IOException e) {
            return new Result(false, e.getMessage());
        }
    }

    /** The sidecars of one attempt, stopped (and their logs kept) by {@link #close}. */
    public static final class Running implements AutoCloseable {
        private final ContainerEngine engine;
        private final List<ReentrantLock> locks;
        private final Path logDir;
        private final List<String> names = new ArrayList<>();
        private final List<Sidecar> sidecars = new ArrayList<>();
        private boolean closed;

        private Running(ContainerEngine engine, List<ReentrantLock> locks, Path logDir) {
            this.engine = engine;
            this.locks = locks;
            this.logDir = logDir;
        }

        /** The engine's network option for a container step to share the sidecars' network namespace. */
        public String network() {
            return "container:" + names.get(0);
        }

        private void awaitPorts(String where) throws InterruptedException {
            Instant until = Instant.now().plus(READY_WITHIN);
            for (Sidecar sidecar : sidecars) {
                for (int port : sidecar.ports()) {
                    while (!accepts(port)) {
                        Result state = run(
                                engine,
                                List.of(
                                        engine.cli().toString(),
                                        "inspect",
                                        "--format",
                                        "{{.State.Status}}",
                                        names.get(0)),
                                Map.of());
                        if (!state.ok() || !state.output().equals("running")) {
                            throw new ContainerSetupException(
                                    where + ": sidecar '" + sidecar.name() + "' stopped before its " + "port " + port
                                            + " accepted connections; its log is in " + logDir);
                        }
                        if (Instant.now().isAfter(until)) {
                            throw new ContainerSetupException(
                                    where + ": port " + port + " of sidecar '" + sidecar.name()
                                            + "' accepted no connection within " + READY_WITHIN.toMinutes()
                                            + " minutes; its log is in "
                                            + logDir);
                        }
                        Thread.sleep(POLL_MILLIS);
                    }
                }
            }
        }

        private boolean accepts(int port) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        /** Keeps each sidecar's log next to the step's, then removes the sidecars and frees their ports. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                for (int i = names.size() - 1; i >= 0; i--) {
                    String name = names.get(i);
                    Path log = logDir.resolve("sidecar-" + sidecars.get(i).name() + ".log");
                    try {
                        Result output = run(engine, List.of(engine.cli().toString(), "logs", name), Map.of());
                        java.nio.file.Files.writeString(
                                log,
                                output.ok() ? output.output() + "\n" : "fermion: no log: " + output.output() + "\n");
                    } catch (IOException e) {
                        // The log is lost; the sidecar is still removed.
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    engine.stop(name);
                }
            } finally {
                locks.forEach(ReentrantLock::unlock);
            }
        }
    }
}
