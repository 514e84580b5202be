package dev.fermion.runtime.local;

import dev.fermion.contract.LaunchSpec;
import dev.fermion.runtime.container.ContainerEngine;
import dev.fermion.runtime.container.ContainerImages;
import dev.fermion.runtime.container.ContainerSetupException;
import dev.fermion.runtime.container.EngineSelector;
import dev.fermion.runtime.launch.StepLauncher;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs every attempt of a Java step in its image ({@code --isolation container}), as a pod runs it:
 * {@code fermion-step} with the pod's arguments, its inputs mounted read-only at {@code /fermion/inputs/PORT},
 * its outputs at {@code /fermion/outputs}, as the image's non-root user. The attempt directory on this machine
 * receives the outputs and the metrics, as in the other isolation modes. The run's extra classpath (the user's
 * classes) is mounted and put on {@code FERMION_CLASSPATH}, so the plain runtime image runs the user's
 * components too; an image that sets {@code FERMION_CLASSPATH} itself (a user's image from
 * {@code fermion image build}) runs with its own classes, as its pods do. Source digests
 * ({@link #digestSources}) are computed in the image too, where the attempts will read the sources. DJL unpacks PyTorch once, into {@code <home>/containers/djl.ai}, which every container
 * mounts. Attempts a test replaces with a double run in this JVM.
 */
final class ContainerAttempts implements AttemptRunner {
    static final String OUTPUTS = "/fermion/outputs";
    static final String CLASSPATH = "/fermion/classpath";
    static final String DJL_CACHE = "/home/fermion/.djl.ai";
    /** Where the source digest is written. */
    static final String SOURCES = "/fermion/sources";
    /** Exit codes from 125 up are the engine's own: it could not create or start the container. */
    private static final int ENGINE_FAILED = 125;

    private final ContainerEngine engine;
    private final EngineSelector engines;
    private final ContainerImages images;
    private final Map<String, Boolean> ownClasses = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Path> classpath;
    private final Path djlCache;
    private final AttemptRunner doubles;

    /**
     * @param engines what checks (and pulls) an image before its first container; its answers are kept, so images
     *     checked before the run cost nothing here, and one known only at launch ({@code image(Value)}) gets the
     *     same error as one checked before the run
     */
    ContainerAttempts(
            ContainerEngine engine,
            EngineSelector engines,
            ContainerImages images,
            String extraClasspath,
            Path home,
            AttemptRunner doubles) {
        this.engine = engine;
        this.engines = engines;
        this.images = images;
        this.classpath = extraClasspath == null || extraClasspath.isBlank()
                ? List.of()
                : java.util.Arrays.stream(extraClasspath.split(File.pathSeparator))
                        .filter(e -> !e.isBlank())
                        .map(e -> Path.of(e).toAbsolutePath().normalize())
                        .toList();
        this.djlCache = home.resolve("containers").resolve("djl.ai");
        this.doubles = doubles;
    }

    @Override
    public AttemptOutcome run(Attempt attempt) {
        if (attempt.replacement() != null) {
            return doubles.run(attempt);
        }
        String container = ContainerEngine.containerName(
                attempt.spec().pipeline() + "-" + attempt.spec().step());
        try {
            requireImage(attempt);
            return launch(attempt, container, command(attempt, container));
        } catch (ContainerSetupException e) {
            return new AttemptOutcome(StepStatus.ERROR, null, e.getMessage());
        } catch (IOException e) {
            return new AttemptOutcome(
                    StepStatus.ERROR,
                    null,
                    "cannot prepare the container of step '" + attempt.spec().step() + "': " + e.getMessage());
        }
    }

    /** The launcher's source digest, computed in the step's image, where its attempts will read the sources. */
    @Override
    public AttemptOutcome digestSources(Attempt attempt, Path digestFile) {
        String container = ContainerEngine.containerName(
                attempt.spec().pipeline() + "-" + attempt.spec().step() + "-sources");
        try {
            requireImage(attempt);
            Path dir = digestFile.getParent();
            engine.prepareWritable(List.of(dir));
            List<String> argv = head(attempt, container, dir);
            argv.addAll(List.of("-v", dir + ":" + SOURCES));
            argv.add(imageOf(attempt.image()));
            argv.addAll(
                    List.of(LaunchSpec.COMMAND, StepLauncher.SOURCE_DIGEST, SOURCES + "/" + digestFile.getFileName()));
            argv.addAll(inPod(attempt.spec(), dir, Map.of()).toArgs());
            return launch(attempt, container, argv);
        } catch (ContainerSetupException e) {
            return new AttemptOutcome(StepStatus.ERROR, null, e.getMessage());
        } catch (IOException e) {
            return new AttemptOutcome(
                    StepStatus.ERROR,
                    null,
                    "cannot prepare the container of step '" + attempt.spec().step() + "': " + e.getMessage());
        }
    }

    /** The image an attempt runs: its step's own (null: the runtime image), with {@code --image} applied. */
    private String imageOf(String own) {
        return images.replacements().apply(original(own));
    }

    private String original(String own) {
        return own != null ? own : images.runtimeImage();
    }

    private void requireImage(Attempt attempt) {
        engines.requireImage(
                engine,
                imageOf(attempt.image()),
                original(attempt.image()),
                "pipeline '" + attempt.spec().pipeline() + "', step '"
                        + attempt.spec().step() + "'");
    }

    private AttemptOutcome launch(Attempt attempt, String container, List<String> argv) {
        String step = attempt.spec().step();
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(attempt.logFile().toFile()));
        builder.environment().clear();
        builder.environment().putAll(engine.environment());
        // Values reach the container by name (-e NAME), never through the engine's arguments.
        builder.environment().putAll(attempt.env());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new AttemptOutcome(
                    StepStatus.ERROR,
                    null,
                    "cannot start " + engine.name() + " for step '" + step + "': " + e.getMessage());
        }
        try {
            boolean ended = attempt.timeout() == null
                    ? waitFor(process)
                    : process.waitFor(attempt.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                stop(process, container);
                String message = AttemptRunner.timeoutMessage(attempt);
                Files.writeString(
                        attempt.logFile(),
                        "fermion: " + message + System.lineSeparator(),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.APPEND);
                return new AttemptOutcome(StepStatus.FAILED, null, message);
            }
        } catch (InterruptedException e) {
            stop(process, container);
            Thread.currentThread().interrupt();
            return new AttemptOutcome(
                    StepStatus.ERROR, null, "the runner was interrupted while step '" + step + "' ran");
        } catch (IOException e) {
            return new AttemptOutcome(StepStatus.FAILED, null, AttemptRunner.timeoutMessage(attempt));
        }
        int exit = process.exitValue();
        if (exit == StepLauncher.OK) {
            return AttemptOutcome.succeeded();
        }
        String message = ProcessAttempts.lastLauncherLine(attempt.logFile());
        if (message == null && exit >= ENGINE_FAILED) {
            return new AttemptOutcome(
                    StepStatus.ERROR,
                    exit,
                    "the container of step '" + step + "' ended with exit code " + exit + " (" + engine.name()
                            + " could not run it; its log says why: " + attempt.logFile() + ")");
        }
        return AttemptOutcome.launcherFailed(
                exit, message != null ? message : "the container of step '" + step + "' ended with exit code " + exit);
    }

    /** The engine's command line; creates the attempt's output directories and hands them to the container's user. */
    List<String> command(Attempt attempt, String container) throws IOException {
        LaunchSpec host = attempt.spec();
        Path outputs = outputsDir(host);
        Path metrics = Path.of(host.metricsFile());
        Files.createDirectories(outputs.resolve("params"));
        Files.createDirectories(outputs.resolve("artifacts"));
        for (String artifact : host.outputArtifacts().values()) {
            Files.createDirectories(Path.of(artifact));
        }
        if (!Files.exists(metrics)) {
            Files.createFile(metrics);
        }
        engine.prepareWritable(List.of(outputs, metrics));

        List<String> argv = head(attempt, container, outputs);
        Map<String, String> inputs = new TreeMap<>();
        host.inputArtifacts().forEach((port, path) -> {
            String inside = LaunchSpec.INPUTS + "/" + port;
            inputs.put(port, inside);
            argv.addAll(List.of("-v", path + ":" + inside + ":ro"));
        });
        argv.addAll(List.of("-v", outputs + ":" + OUTPUTS));
        argv.addAll(List.of("-v", metrics + ":" + LaunchSpec.METRICS));
        argv.add(imageOf(attempt.image()));
        argv.add(LaunchSpec.COMMAND);
        argv.addAll(inPod(host, outputs, inputs).toArgs());
        return argv;
    }

    /**
     * {@code <engine> run} with what every container of a Java step gets: the user, DJL's cache, the run's classpath
     * (unless the image brings its own), the step's variables by name.
     */
    private List<String> head(Attempt attempt, String container, Path writableOwner) throws IOException {
        Files.createDirectories(djlCache);
        engine.prepareWritable(List.of(djlCache));
        List<String> argv = new ArrayList<>(engine.run(container, writableOwner));
        if (attempt.network() != null) {
            // The step's sidecars' network namespace, so it reaches them on localhost as in its pod.
            argv.addAll(List.of("--network", attempt.network()));
        }
        argv.addAll(List.of("-v", djlCache + ":" + DJL_CACHE));
        String image = imageOf(attempt.image());
        boolean own = ownClasses.computeIfAbsent(
                image,
                name -> engine.environment(name).stream()
                        .anyMatch(variable -> variable.startsWith("FERMION_CLASSPATH=")));
        List<String> mounted = new ArrayList<>();
        for (int i = 0; !own && i < classpath.size(); i++) {
            Path entry = classpath.get(i);
            String inside = CLASSPATH + "/" + i + "-" + entry.getFileName();
            argv.addAll(List.of("-v", entry + ":" + inside + ":ro"));
            mounted.add(inside);
        }
        if (!mounted.isEmpty()) {
            argv.addAll(List.of("-e", "FERMION_CLASSPATH=" + String.join(":", mounted)));
        }
        for (String name : new TreeMap<>(attempt.env()).keySet()) {
            argv.addAll(List.of("-e", name));
        }
        return argv;
    }

    /** The directory holding the attempt's {@code params/} and {@code artifacts/}, mounted at {@value #OUTPUTS}. */
    private static Path outputsDir(LaunchSpec host) {
        Path metrics = Path.of(host.metricsFile());
        return metrics.getParent().resolve("outputs");
    }

    /** {@code host}'s arguments with the paths a pod has, under the mounts above. */
    private static LaunchSpec inPod(LaunchSpec host, Path outputs, Map<String, String> inputs) {
        String metrics = host.metricsFile() == null ? null : LaunchSpec.METRICS;
        Map<String, String> params = new TreeMap<>();
        host.outputParams()
                .forEach((name, path) -> params.put(name, OUTPUTS + "/" + outputs.relativize(Path.of(path))));
        Map<String, String> artifacts = new TreeMap<>();
        host.outputArtifacts()
                .forEach((name, path) -> artifacts.put(name, OUTPUTS + "/" + outputs.relativize(Path.of(path))));
        return new LaunchSpec(
                host.component(),
                host.pipeline(),
                host.step(),
                host.runId(),
                host.attempt(),
                host.params(),
                inputs,
                params,
                artifacts,
                metrics);
    }

    private void stop(Process process, String container) {
        // Killing the CLI alone would leave the container running under the engine.
        engine.stop(container);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean waitFor(Process process) throws InterruptedException {
        process.waitFor();
        return true;
    }
}
