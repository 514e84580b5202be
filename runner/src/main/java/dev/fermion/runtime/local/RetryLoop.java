package dev.fermion.runtime.local;

import dev.fermion.plan.Retry;
import dev.fermion.plan.Sidecar;
import dev.fermion.runtime.container.ContainerSetupException;
import dev.fermion.runtime.container.Sidecars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A step's attempts, retried as its policy says with its backoff between them (never past the pipeline's
 * deadline): each in a directory of its own next to the step's earlier ones, with its sidecars beside it, and
 * recorded as it starts and ends.
 */
final class RetryLoop {
    private final String pipeline;
    private final Path steps;
    private final ExecutorService pool;
    private final RunJournal journal;
    private final Deadline deadline;
    private final ExternalSteps external;

    RetryLoop(
            String pipeline,
            Path runDir,
            ExecutorService pool,
            RunJournal journal,
            Deadline deadline,
            ExternalSteps external) {
        this.pipeline = pipeline;
        this.steps = runDir.resolve("steps");
        this.pool = pool;
        this.journal = journal;
        this.deadline = deadline;
        this.external = external;
    }

    /** Runs attempt {@code retry} (1 for the first) and those after it, to the first that needs no other. */
    CompletableFuture<AttemptOutcome> attempt(StepRun run, int retry) {
        return CompletableFuture.supplyAsync(() -> runAttempt(run, retry), pool).thenCompose(outcome -> {
            Retry policy = run.options.retry();
            if (outcome.ok()
                    || !outcome.retryable()
                    || policy == null
                    || retry > policy.limit()
                    || !retries(policy.policy(), outcome)
                    || deadline.passed()) {
                return CompletableFuture.completedFuture(outcome);
            }
            long delay = policy.delayBefore(retry).toMillis();
            return CompletableFuture.supplyAsync(
                            () -> retry + 1, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, pool))
                    .thenCompose(next -> attempt(run, next));
        });
    }

    /** Argo's retry policies; locally every error counts as transient, since none comes from a cluster. */
    private static boolean retries(Retry.Policy policy, AttemptOutcome outcome) {
        switch (policy) {
            case ALWAYS:
                return true;
            case ON_FAILURE:
                return outcome.status() == StepStatus.FAILED;
            default:
                return outcome.status() == StepStatus.ERROR;
        }
    }

    private AttemptOutcome runAttempt(StepRun run, int retry) {
        Path stepDir = steps.resolve(run.path);
        int number = run.history.size() + 1;
        while (Files.exists(stepDir.resolve("attempt-" + number))) {
            number++;
        }
        Path dir = stepDir.resolve("attempt-" + number);
        Path log = dir.resolve("log.txt");
        try {
            Files.createDirectories(dir);
            Files.createFile(log);
        } catch (IOException e) {
            return new AttemptOutcome(StepStatus.ERROR, null, "cannot create " + dir + ": " + e.getMessage());
        }
        Instant started = Instant.now();
        AttemptRecord running =
                new AttemptRecord(number, StepStatus.RUNNING, started.toString(), null, log.toString(), null, null);
        List<AttemptRecord> startedHistory;
        synchronized (run.history) {
            run.history.add(running);
            startedHistory = List.copyOf(run.history);
        }
        journal.update(run.path, s -> {
            StepRecord withAttempts = s.withAttempts(startedHistory);
            return s.status() == StepStatus.RUNNING
                    ? withAttempts.withStatus(StepStatus.RUNNING, null)
                    : withAttempts.started(journal.nextEvent(), started);
        });
        journal.flush();
        AttemptOutcome outcome = withSidecars(run, dir, log, retry);
        AttemptRecord ended = new AttemptRecord(
                number,
                outcome.status(),
                started.toString(),
                Instant.now().toString(),
                log.toString(),
                outcome.exitCode(),
                outcome.message());
        List<AttemptRecord> endedHistory;
        synchronized (run.history) {
            run.history.set(run.history.indexOf(running), ended);
            endedHistory = List.copyOf(run.history);
        }
        journal.update(run.path, s -> s.withAttempts(endedHistory));
        return outcome;
    }

    /**
     * Runs one attempt, with the step's sidecars running next to it as in its pod (a test double runs without
     * them); their logs are kept in the attempt's directory.
     */
    private AttemptOutcome withSidecars(StepRun run, Path dir, Path log, int retry) {
        List<Sidecar> sidecars = run.replaced ? List.of() : run.options.sidecars();
        if (sidecars.isEmpty()) {
            return run.body.run(run, dir, log, retry);
        }
        try (Sidecars.Running running =
                external.sidecars().start("pipeline '" + pipeline + "', step '" + run.path + "'", sidecars, dir)) {
            run.network = running.network();
            return run.body.run(run, dir, log, retry);
        } catch (ContainerSetupException e) {
            return new AttemptOutcome(StepStatus.ERROR, ContainerSetupException.EXIT_CODE, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AttemptOutcome(
                    StepStatus.ERROR, null, "step '" + run.path + "' was interrupted while its sidecars started");
        }
    }
}
