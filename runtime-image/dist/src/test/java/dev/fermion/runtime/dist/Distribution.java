package dev.fermion.runtime.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The assembled distribution, started the way the runtime images start it: its own {@code bin/} script,
 * with the environment the Dockerfiles set ({@code FERMION_INSTALL}, {@code FERMION_HOME}, an offline DJL with its own cache,
 * {@code FERMION_JAVA_OPTS}) and the JRE running the tests standing in for the image's.
 */
final class Distribution {
    static final Path HOME = Path.of(required("fermion.dist")).toAbsolutePath();
    static final Path EXAMPLES =
            Path.of(required("fermion.examples")).toAbsolutePath().normalize();
    /** The Dockerfiles' FERMION_JAVA_OPTS, verbatim. */
    static final String JAVA_OPTS = "-Dai.djl.offline=true -Dai.djl.default_engine=PyTorch";
    /** Hang guard for one process; generous because the build shares its cores with others. */
    static final Duration DEADLINE = Duration.ofMinutes(3);

    private final Path djlCache;

    /** {@code djlCache} plays the container's empty home directory: DJL unpacks PyTorch there on first use. */
    Distribution(Path djlCache) {
        this.djlCache = djlCache;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("System property " + property + " is not set: run these tests through "
                    + "Maven (./mvnw -pl runtime-image/dist install), which assembles the distribution first");
        }
        return value;
    }

    ProcessBuilder command(String script, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(HOME.resolve("bin").resolve(script).toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("FERMION_INSTALL", HOME.toString());
        env.put("FERMION_HOME", djlCache.resolve("fermion-home").toString());
        env.put(
                "PATH",
                HOME.resolve("bin") + ":" + Path.of(System.getProperty("java.home"), "bin") + ":"
                        + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("DJL_CACHE_DIR", djlCache.toString());
        env.put("ENGINE_CACHE_DIR", djlCache.toString());
        env.put("DJL_OFFLINE", "true");
        env.put("FERMION_JAVA_OPTS", JAVA_OPTS);
        env.remove("FERMION_CLASSPATH");
        return builder;
    }

    /** Runs {@code script} to its end; stdout and stderr go to files in {@code logs} so neither pipe fills up. */
    Finished run(Path logs, String script, List<String> args) throws IOException, InterruptedException {
        Files.createDirectories(logs);
        Path out = Files.createTempFile(logs, script, ".out");
        Path err = Files.createTempFile(logs, script, ".err");
        Process process = command(script, args)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(script + " " + args + " did not finish within " + DEADLINE + "; its stderr:\n"
                    + Files.readString(err));
        }
        return new Finished(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    record Finished(int exit, String stdout, String stderr) {
        /** The launcher's own verdict: the last line of stderr, after any log lines of the libraries. */
        String verdict() {
            List<String> lines = stderr.lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        /** What to show when an assertion on this process fails. */
        String describe() {
            return "exit " + exit + "\n--- stderr\n" + stderr + "\n--- stdout (end)\n"
                    + stdout.substring(Math.max(0, stdout.length() - 4000));
        }
    }

    /** The next line of {@code out}, or a failure once the deadline passes or the stream ends. */
    static String nextLine(BufferedReader out, Process process, Path stderr) throws InterruptedException, IOException {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            String value = line.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            if (value == null) {
                throw new AssertionError("The process ended (exit " + process.waitFor() + ") before printing the "
                        + "expected line; its stderr:\n" + Files.readString(stderr));
            }
            return value;
        } catch (TimeoutException e) {
            throw new AssertionError(
                    "No line on stdout within " + DEADLINE + "; stderr so far:\n" + Files.readString(stderr), e);
        } catch (ExecutionException e) {
            throw new AssertionError("Reading stdout failed", e.getCause());
        }
    }

    static BufferedReader stdout(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }
}
