package dev.fermion.runtime.local;

import dev.fermion.contract.Home;
import dev.fermion.runtime.launch.StepLauncher;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs every attempt in its own JVM through the launcher main, with exactly the arguments a pod gets, so a
 * pipeline that passes here does not depend on sharing memory between steps.
 */
final class ProcessAttempts implements AttemptRunner {
    private final String classpath;
    private final Path home;
    private final LauncherArchive archive;

    ProcessAttempts(String extraClasspath, Path home) {
        // The runner's own class path first, as in the runner, whose loader for the pipeline's classes asks its
        // parent first; and so the class-data archive of its jars applies whatever the pipeline adds.
        String own = System.getProperty("java.class.path");
        this.classpath =
                extraClasspath == null || extraClasspath.isBlank() ? own : own + File.pathSeparator + extraClasspath;
        this.home = home;
        this.archive = LauncherArchive.of(List.of(classpath.split(File.pathSeparator)), home.resolve("class-data"));
    }

    /** Makes the launchers' class-data archive from what this run's steps loaded, if there is none yet. */
    @Override
    public void close() {
        archive.build(javaBinary());
    }

    @Override
    public AttemptOutcome run(Attempt attempt) {
        return launch(attempt, attempt.spec().toArgs());
    }

    @Override
    public AttemptOutcome digestSources(Attempt attempt, Path digestFile) {
        List<String> args = new ArrayList<>(List.of(StepLauncher.SOURCE_DIGEST, digestFile.toString()));
        args.addAll(attempt.spec().toArgs());
        return launch(attempt, args);
    }

    private AttemptOutcome launch(Attempt attempt, List<String> args) {
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(archive.jvmOptions());
        command.addAll(List.of("-cp", classpath, StepLauncher.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(attempt.logFile().toFile()));
        // A pod gets the home from its environment too; a step's own env may still point elsewhere.
        builder.environment().put(Home.ENVIRONMENT, home.toAbsolutePath().toString());
        builder.environment().putAll(attempt.env());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new AttemptOutcome(
                    StepStatus.ERROR,
                    null,
                    "cannot start a JVM for step '" + attempt.spec().step() + "': " + e.getMessage());
        }
        try {
            boolean ended = attempt.timeout() == null
                    ? waitFor(process)
                    : process.waitFor(attempt.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                kill(process);
                String message = AttemptRunner.timeoutMessage(attempt);
                Files.writeString(
                        attempt.logFile(),
                        "fermion: " + message + System.lineSeparator(),
                        StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.APPEND);
                return new AttemptOutcome(StepStatus.FAILED, null, message);
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return new AttemptOutcome(
                    StepStatus.ERROR,
                    null,
                    "the runner was interrupted while step '" + attempt.spec().step() + "' ran");
        } catch (IOException e) {
            return new AttemptOutcome(StepStatus.FAILED, null, AttemptRunner.timeoutMessage(attempt));
        }
        int exit = process.exitValue();
        if (exit == StepLauncher.OK) {
            return AttemptOutcome.succeeded();
        }
        String message = lastLauncherLine(attempt.logFile());
        return AttemptOutcome.launcherFailed(
                exit,
                message != null
                        ? message
                        : "the process of step '" + attempt.spec().step() + "' ended with exit code " + exit);
    }

    private static boolean waitFor(Process process) throws InterruptedException {
        process.waitFor();
        return true;
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String lastLauncherLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("fermion-step: ")) {
                    return lines.get(i).substring("fermion-step: ".length());
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
