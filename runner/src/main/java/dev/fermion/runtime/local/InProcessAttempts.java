package dev.fermion.runtime.local;

import dev.fermion.runtime.launch.StepFailure;
import dev.fermion.runtime.launch.StepLauncher;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs attempts in this JVM through the same launcher code a pod runs. An attempt with a timeout gets its own
 * thread so the timeout can stop waiting for it and interrupt it; a step that ignores interrupts keeps its thread
 * until it returns, but the run goes on, and the attempt's message says so. An attempt without one runs on the
 * runner's thread that starts it.
 */
final class InProcessAttempts implements AttemptRunner {
    /** How long a timed-out step has to end after its interrupt before it is reported as still running. */
    static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private final ClassLoader loader;

    InProcessAttempts(ClassLoader loader) {
        this.loader = loader;
        OutputRouting.install();
    }

    @Override
    public AttemptOutcome run(Attempt attempt) {
        try (PrintStream log =
                new PrintStream(new FileOutputStream(attempt.logFile().toFile(), true), true, StandardCharsets.UTF_8)) {
            if (attempt.timeout() == null) {
                // Nothing to stop waiting for: the runner's thread runs the step itself, saving a thread start and
                // two hand-overs per step, which on a busy machine cost more than a no-op step's own work.
                Thread current = Thread.currentThread();
                ClassLoader previous = current.getContextClassLoader();
                current.setContextClassLoader(loader);
                try {
                    return launch(attempt, log);
                } finally {
                    current.setContextClassLoader(previous);
                }
            }
            CompletableFuture<AttemptOutcome> result = new CompletableFuture<>();
            Thread worker = new Thread(
                    () -> result.complete(launch(attempt, log)),
                    "fermion-step-" + attempt.spec().step());
            worker.setContextClassLoader(loader);
            worker.setDaemon(true);
            worker.start();
            try {
                return attempt.timeout() == null
                        ? result.get()
                        : result.get(attempt.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                worker.interrupt();
                String message = AttemptRunner.timeoutMessage(attempt);
                if (!stops(worker)) {
                    message += "; it ignored the interrupt and goes on running in this JVM until it returns (run it "
                            + "with --isolation process for a timeout that ends it, as in a pod)";
                }
                log.println("fermion: " + message);
                return new AttemptOutcome(StepStatus.FAILED, null, message);
            } catch (InterruptedException e) {
                worker.interrupt();
                Thread.currentThread().interrupt();
                return new AttemptOutcome(
                        StepStatus.ERROR,
                        null,
                        "the runner was interrupted while step '"
                                + attempt.spec().step() + "' ran");
            } catch (ExecutionException e) {
                return new AttemptOutcome(StepStatus.ERROR, null, String.valueOf(e.getCause()));
            }
        } catch (IOException e) {
            return new AttemptOutcome(
                    StepStatus.ERROR, null, "cannot open the log " + attempt.logFile() + ": " + e.getMessage());
        }
    }

    @Override
    public AttemptOutcome digestSources(Attempt attempt, Path digestFile) {
        try (PrintStream log =
                new PrintStream(new FileOutputStream(attempt.logFile().toFile(), true), true, StandardCharsets.UTF_8)) {
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(loader);
            try {
                Files.writeString(
                        digestFile,
                        StepLauncher.sourceDigest(attempt.spec(), loader).orElse(""),
                        StandardCharsets.UTF_8);
                return AttemptOutcome.succeeded();
            } catch (StepFailure failure) {
                if (failure.getCause() != null) {
                    failure.getCause().printStackTrace(log);
                }
                log.println("fermion-step: " + failure.getMessage());
                return AttemptOutcome.launcherFailed(failure.exitCode(), failure.getMessage());
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        } catch (IOException e) {
            return new AttemptOutcome(StepStatus.ERROR, null, "cannot write " + digestFile + ": " + e.getMessage());
        }
    }

    /** One attempt on the current thread, its output routed to the attempt's log. */
    private AttemptOutcome launch(Attempt attempt, PrintStream log) {
        OutputRouting.route(log);
        try {
            StepLauncher.launch(attempt.spec(), loader, log, attempt.replacement());
            return AttemptOutcome.succeeded();
        } catch (StepFailure failure) {
            log.println("fermion-step: " + failure.getMessage());
            return AttemptOutcome.launcherFailed(failure.exitCode(), failure.getMessage());
        } catch (RuntimeException | Error e) {
            e.printStackTrace(log);
            return new AttemptOutcome(
                    StepStatus.ERROR,
                    null,
                    "the launcher failed on step '" + attempt.spec().step() + "': " + e);
        } finally {
            OutputRouting.clear();
        }
    }

    private static boolean stops(Thread worker) {
        try {
            worker.join(STOP_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !worker.isAlive();
    }
}
