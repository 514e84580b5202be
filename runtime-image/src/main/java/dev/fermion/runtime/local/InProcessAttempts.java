package dev.fermion.runtime.local;

import dev.fermion.runtime.launch.StepFailure;
import dev.fermion.runtime.launch.StepLauncher;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs attempts in this JVM through the same launcher code a pod runs. Each attempt gets its own thread so a
 * timeout can stop waiting for it and interrupt it; a step that ignores interrupts keeps its thread until it
 * returns, but the run goes on.
 */
final class InProcessAttempts implements AttemptRunner {
    private final ClassLoader loader;

    InProcessAttempts(ClassLoader loader) {
        this.loader = loader;
        OutputRouting.install();
    }

    @Override
    public AttemptOutcome run(Attempt attempt) {
        try (PrintStream log = new PrintStream(new FileOutputStream(attempt.logFile().toFile(), true), true, StandardCharsets.UTF_8)) {
            CompletableFuture<AttemptOutcome> result = new CompletableFuture<>();
            Thread worker = new Thread(() -> {
                OutputRouting.route(log);
                try {
                    StepLauncher.launch(attempt.spec(), loader, log, attempt.replacement());
                    result.complete(AttemptOutcome.succeeded());
                } catch (StepFailure failure) {
                    log.println("fermion-step: " + failure.getMessage());
                    result.complete(new AttemptOutcome(failure.exitCode() == StepLauncher.STEP_FAILED
                            ? StepStatus.FAILED : StepStatus.ERROR, failure.exitCode(), failure.getMessage()));
                } catch (RuntimeException | Error e) {
                    e.printStackTrace(log);
                    result.complete(new AttemptOutcome(StepStatus.ERROR, null, "the launcher failed on step '"
                            + attempt.spec().step() + "': " + e));
                } finally {
                    OutputRouting.clear();
                }
            }, "fermion-step-" + attempt.spec().step());
            worker.setContextClassLoader(loader);
            worker.setDaemon(true);
            worker.start();
            try {
                return attempt.timeout() == null ? result.get()
                        : result.get(attempt.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                worker.interrupt();
                String message = AttemptRunner.timeoutMessage(attempt);
                log.println("fermion: " + message);
                return new AttemptOutcome(StepStatus.FAILED, null, message);
            } catch (InterruptedException e) {
                worker.interrupt();
                Thread.currentThread().interrupt();
                return new AttemptOutcome(StepStatus.ERROR, null, "the runner was interrupted while step '"
                        + attempt.spec().step() + "' ran");
            } catch (ExecutionException e) {
                return new AttemptOutcome(StepStatus.ERROR, null, String.valueOf(e.getCause()));
            }
        } catch (IOException e) {
            return new AttemptOutcome(StepStatus.ERROR, null, "cannot open the log " + attempt.logFile() + ": " + e.getMessage());
        }
    }
}
