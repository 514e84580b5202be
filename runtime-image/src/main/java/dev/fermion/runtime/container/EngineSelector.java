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
 * Decides which engine runs container steps. A CLI on the PATH is not enough (a Docker CLI without a
 * daemon is common): an engine counts as working when {@code <cli> info} exits 0. Each CLI is probed once
 * per selector.
 */
final class EngineSelector {
    /** A probe that takes longer than this is treated as a broken engine, not waited on forever. */
    private static final long PROBE_SECONDS = 30;

    /** The engine to use: {@code cli} is the Docker or Podman executable, null for host mode. */
    record Engine(ContainerRuntime kind, Path cli) { }

    private final Map<String, String> environment;
    private final Map<ContainerRuntime, Optional<Path>> working = new ConcurrentHashMap<>();

    EngineSelector(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    Engine select(ContainerRuntime setting, String where, String image) {
        switch (setting) {
            case HOST:
                return new Engine(ContainerRuntime.HOST, null);
            case DOCKER:
            case PODMAN:
                return new Engine(setting, working(setting).orElseThrow(() -> new ContainerSetupException(where
                        + " runs image " + image + " with --container-runtime " + setting.cliName() + ", but "
                        + describe(setting) + ": start it, choose another engine, or run the command directly on this "
                        + "machine with --container-runtime host")));
            default:
                for (ContainerRuntime candidate : List.of(ContainerRuntime.DOCKER, ContainerRuntime.PODMAN)) {
                    Optional<Path> cli = working(candidate);
                    if (cli.isPresent()) {
                        return new Engine(candidate, cli.get());
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

    private Optional<Path> working(ContainerRuntime engine) {
        return working.computeIfAbsent(engine, e -> executable(e.cliName()).filter(this::answers));
    }

    private boolean answers(Path cli) {
        ProcessBuilder probe = new ProcessBuilder(cli.toString(), "info")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        probe.environment().clear();
        probe.environment().putAll(environment);
        try {
            Process process = probe.start();
            if (!process.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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
