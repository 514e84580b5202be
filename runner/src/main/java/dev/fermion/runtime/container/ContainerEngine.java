package dev.fermion.runtime.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A working Docker or Podman CLI with the options this machine needs ({@link EngineSettings}), or this host
 * ({@link #host()}, no engine). Everything Fermion does with an engine goes through here: run, check and
 * pull images, stop, build, push, save.
 *
 * @param kind        DOCKER, PODMAN, or HOST
 * @param cli         the engine's executable; null for HOST
 * @param settings    options every {@code run} and {@code build} gets here
 * @param environment the environment the CLI runs with
 */
public record ContainerEngine(ContainerRuntime kind, Path cli, List<String> settings, Map<String, String> environment) {
    /** The user of Fermion's images and of pods (the compiler's {@code runAsUser}). */
    public static final int IMAGE_USER = 10001;
    /** How long a pull may take before it counts as failed. */
    private static final long PULL_MINUTES = 15;
    /** How long a quick query ({@code image inspect}, {@code rm}) may take. */
    private static final long QUERY_SECONDS = 60;

    public ContainerEngine {
        settings = List.copyOf(settings);
        environment = Map.copyOf(environment);
    }

    static ContainerEngine host() {
        return new ContainerEngine(ContainerRuntime.HOST, null, List.of(), Map.of());
    }

    public boolean onHost() {
        return kind == ContainerRuntime.HOST;
    }

    public String name() {
        return kind.cliName();
    }

    /** A name for a container that {@link #stop} can find again. */
    public static String containerName(String purpose) {
        String clean = purpose.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "-");
        return "fermion-" + clean.substring(0, Math.min(clean.length(), 40)) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * {@code <cli> run --rm --name NAME <settings> --cap-drop ALL --security-opt no-new-privileges <user options>}:
     * what every container of a step begins with. The command runs as the image user {@value #IMAGE_USER} when this process is root (the mounted
     * directories it writes are given to that user first, see {@link #prepareWritable}), as in a pod; otherwise
     * as this user, so it can write this user's directories (Podman without root maps this user into the
     * container with {@code --userns keep-id}).
     */
    public List<String> run(String containerName, Path writableOwner) {
        List<String> argv = new ArrayList<>(List.of(cli.toString(), "run", "--rm", "--name", containerName));
        argv.addAll(settings);
        // As the compiler's securityContext has it: no capabilities, no privilege escalation.
        argv.addAll(List.of("--cap-drop", "ALL", "--security-opt", "no-new-privileges"));
        if (EngineSettings.isRoot()) {
            argv.addAll(List.of("--user", IMAGE_USER + ":" + IMAGE_USER));
        } else {
            if (kind == ContainerRuntime.PODMAN) {
                argv.add("--userns=keep-id");
            }
            argv.addAll(List.of("--user", owner(writableOwner)));
        }
        return argv;
    }

    /**
     * Lets the container's user write {@code dirs} (recursively): when this process is root the container runs
     * as {@value #IMAGE_USER}, which gets them; otherwise they are this user's already.
     */
    public void prepareWritable(List<Path> dirs) throws IOException {
        if (!EngineSettings.isRoot()) {
            return;
        }
        for (Path dir : dirs) {
            try (var walk = Files.walk(dir)) {
                for (Path path : (Iterable<Path>) walk::iterator) {
                    Files.setAttribute(path, "unix:uid", IMAGE_USER);
                    Files.setAttribute(path, "unix:gid", IMAGE_USER);
                }
            }
        }
    }

    /** Whether {@code image} is in the engine's local store. */
    public boolean hasImage(String image) {
        return query(List.of("image", "inspect", "--format", "{{.Id}}", image)).exit() == 0;
    }

    /** The environment variables {@code image} sets, as NAME=VALUE lines. */
    public List<String> environment(String image) {
        Result env = query(List.of("image", "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", image));
        return env.exit() == 0
                ? env.output().lines().filter(line -> !line.isBlank()).toList()
                : List.of();
    }

    /** Pulls {@code image}; null when it worked, else the engine's last line of error. */
    public String pull(String image) {
        Result pulled = call(List.of("pull", image), PULL_MINUTES * 60);
        return pulled.exit() == 0 ? null : pulled.lastLine();
    }

    /** The image's files under {@code dir} (no subdirectories), by running {@code ls} in it. */
    public List<String> list(String image, String dir) {
        List<String> argv = new ArrayList<>(List.of("run", "--rm"));
        argv.addAll(settings);
        argv.addAll(List.of("--entrypoint", "ls", image, "-1", dir));
        Result listed = call(argv, QUERY_SECONDS);
        if (listed.exit() != 0) {
            throw new ContainerSetupException("cannot list " + dir + " in image " + image + ": " + listed.lastLine());
        }
        return listed.output().lines().filter(line -> !line.isBlank()).toList();
    }

    /** Stops and removes a container, e.g. after a timeout; a container that is gone already is fine. */
    public void stop(String containerName) {
        query(List.of("rm", "--force", containerName));
    }

    /** Runs {@code <cli> args} to its end with its output in {@code log}; returns the exit status. */
    public int call(List<String> args, Path log) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(cli.toString()));
        argv.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        return builder.start().waitFor();
    }

    private Result query(List<String> args) {
        return call(args, QUERY_SECONDS);
    }

    record Result(int exit, String output) {
        String lastLine() {
            List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
            return lines.isEmpty() ? "exit status " + exit : lines.get(lines.size() - 1);
        }
    }

    private Result call(List<String> args, long seconds) {
        List<String> argv = new ArrayList<>(List.of(cli.toString()));
        argv.addAll(args);
        Path out = null;
        try {
            out = Files.createTempFile("fermion-engine", ".out");
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().clear();
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new Result(-1, String.join(" ", argv) + " did not finish within " + seconds + " s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, "cannot run " + argv.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // A temporary file left behind costs nothing but space in /tmp.
                }
            }
        }
    }

    /** The user and group owning {@code dir}. */
    private static String owner(Path dir) {
        try {
            return Files.getAttribute(dir, "unix:uid") + ":" + Files.getAttribute(dir, "unix:gid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new UncheckedIOException(new IOException(
                    "cannot read the owner of " + dir + "; container steps need a POSIX file system", e));
        }
    }
}
