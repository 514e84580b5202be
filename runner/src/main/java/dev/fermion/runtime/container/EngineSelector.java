package dev.fermion.runtime.container;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Decides which engine runs containers. A CLI on the PATH is not enough (a Docker CLI without a daemon
 * is common): an engine counts as working when {@code <cli> info} exits 0. Each CLI is probed once
 * per selector, and each image is checked (and pulled when missing) once.
 */
public final class EngineSelector {
    /** A probe that takes longer than this is treated as a broken engine, not waited on forever. */
    private static final long PROBE_SECONDS = 30;

    private final Map<String, String> environment;
    private final Map<ContainerRuntime, Optional<ContainerEngine>> working = new ConcurrentHashMap<>();
    private final Map<String, String> images = new ConcurrentHashMap<>();

    public EngineSelector(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * The engine for {@code setting}: HOST is this host; DOCKER and PODMAN must work; AUTO is the first that
     * works.
     *
     * @throws ContainerSetupException naming {@code where} and {@code image} and how to proceed
     */
    public ContainerEngine select(ContainerRuntime setting, String where, String image) {
        switch (setting) {
            case HOST:
                return ContainerEngine.host();
            case DOCKER:
            case PODMAN:
                return working(setting)
                        .orElseThrow(() -> new ContainerSetupException(where
                                + " runs image " + image + " with --container-runtime " + setting.cliName() + ", but "
                                + describe(setting)
                                + ": start it, choose another engine, or run the command directly on this "
                                + "machine with --container-runtime host"));
            default:
                for (ContainerRuntime candidate : List.of(ContainerRuntime.DOCKER, ContainerRuntime.PODMAN)) {
                    Optional<ContainerEngine> engine = working(candidate);
                    if (engine.isPresent()) {
                        return engine.get();
                    }
                }
                throw new ContainerSetupException(where + " runs image " + image
                        + ", but no working container engine was found (" + describe(ContainerRuntime.DOCKER) + "; "
                        + describe(ContainerRuntime.PODMAN) + "). Start Docker or Podman, or run the command directly "
                        + "on this machine with --container-runtime host (the tools it calls must be installed here)");
        }
    }

    private String describe(ContainerRuntime engine) {
        Optional<Path> cli = executable(engine.cliName());
        if (cli.isEmpty()) {
            return engine.cliName() + " is not on the PATH";
        }
        return engine.cliName() + " (" + cli.get() + ") is installed but '" + engine.cliName() + " info' fails, so its "
                + "engine is not running or not reachable";
    }

    /**
     * Fails unless {@code image} is in {@code engine}'s store or can be pulled into it; {@code original} is the
     * name the pipeline gave, when {@code --image} mapped it to {@code image}.
     *
     * @throws ContainerSetupException naming {@code where}, the image and the fix
     */
    public void requireImage(ContainerEngine engine, String image, String original, String where) {
        if (engine.onHost()) {
            return;
        }
        String problem = images.computeIfAbsent(engine.name() + " " + image, key -> {
            if (engine.hasImage(image)) {
                return "";
            }
            String failure = engine.pull(image);
            return failure == null ? "" : failure;
        });
        if (problem.isEmpty()) {
            return;
        }
        String named =
                original.equals(image) ? "image " + image : "image " + image + " (for " + original + ", by --image)";
        throw new ContainerSetupException(where + " runs " + named + ", which is not in " + engine.name()
                + "'s images and cannot be pulled (" + problem + "). Pull or build it, or map it to an image that is "
                + "here: --image " + original + "=IMAGE (on a machine without a registry, "
                + "scripts/setup-containers.sh makes localhost/python:3 and localhost/debian-jre:17 from Debian's "
                + "packages, and runtime-image/build.sh builds Fermion's runtime image)");
    }

    private Optional<ContainerEngine> working(ContainerRuntime engine) {
        return working.computeIfAbsent(engine, e -> executable(e.cliName()).flatMap(cli -> probe(e, cli)));
    }

    /** The engine when {@code <cli> info} answers, with the settings this machine needs for it. */
    private Optional<ContainerEngine> probe(ContainerRuntime kind, Path cli) {
        List<String> command = kind == ContainerRuntime.PODMAN
                ? List.of(cli.toString(), "info", "--format", EngineSettings.INFO_FORMAT)
                : List.of(cli.toString(), "info");
        Path out = null;
        try {
            out = Files.createTempFile("fermion-probe", ".out");
            ProcessBuilder probe = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            probe.environment().clear();
            probe.environment().putAll(environment);
            Process process = probe.start();
            if (!process.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            if (process.exitValue() != 0) {
                return Optional.empty();
            }
            List<String> settings = kind == ContainerRuntime.PODMAN
                    ? EngineSettings.podman(EngineSettings.host(Files.readString(out), searchPath()))
                    : List.of();
            return Optional.of(new ContainerEngine(kind, cli, settings, environment));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // Only a temporary file.
                }
            }
        }
    }

    private List<Path> searchPath() {
        return java.util.Arrays.stream(environment.getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(Path::of)
                .toList();
    }

    Optional<Path> executable(String name) {
        String path = environment.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
