package dev.fermion.runtime.local;

import dev.fermion.contract.LaunchSpec;
import dev.fermion.contract.ValueCodec;
import dev.fermion.dsl.SourceDataset;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Node;
import dev.fermion.plan.PortSpec;
import dev.fermion.runtime.container.ContainerSetupException;
import dev.fermion.runtime.container.ContainerStep;
import dev.fermion.runtime.container.ContainerStepResult;
import dev.fermion.runtime.launch.LaunchContext;
import dev.fermion.runtime.launch.StepBody;
import dev.fermion.types.ValueType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One attempt of a step, run where it runs: a Java step (or a test double) through the step launcher's
 * contract in this JVM, a child JVM or a container as the isolation says, a container or script step through
 * the container engine. It follows the attempt's metrics and reported sources for listeners while it runs, and
 * collects its outputs when it succeeded.
 */
final class StepLaunch {
    private static final ValueType<SourceDataset> SOURCE_DATASET = ValueType.of(SourceDataset.class);
    /** How often a running step's new metrics are read: often enough for a live chart, rarely enough to cost nothing. */
    private static final Duration METRICS_EVERY = Duration.ofSeconds(1);

    private final String pipeline;
    private final String runId;
    private final Path steps;
    private final AttemptRunner attempts;
    private final ExternalSteps external;
    private final RunListener listener;
    private final Deadline deadline;
    /** Reads running attempts' metrics files, so metrics reach listeners while a step runs. */
    private final ScheduledExecutorService metricsTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fermion-metrics");
        t.setDaemon(true);
        return t;
    });

    StepLaunch(
            String pipeline, String runId, Path runDir, RunOptions options, ExternalSteps external, Deadline deadline) {
        this.pipeline = pipeline;
        this.runId = runId;
        this.steps = runDir.resolve("steps");
        this.attempts = AttemptRunner.of(options, external);
        this.external = external;
        this.listener = options.listener();
        this.deadline = deadline;
    }

    /** Stops following metrics, as the run ends, and lets the attempt runner finish its own work. */
    void close() {
        metricsTimer.shutdownNow();
        attempts.close();
    }

    /** A step's digest of the data it reads from outside the pipeline, or why it could not be made. */
    record SourceDigest(String digest, AttemptRecord failure) {
        static final SourceDigest NONE = new SourceDigest(null, null);
    }

    /**
     * Digests what the step will read from outside the pipeline, through the launcher as its attempts run,
     * so that its cache key covers the content and not just the path. A source that cannot be read fails the
     * step now, recorded as its first attempt with the launcher's message and log.
     */
    SourceDigest digestSources(Node.StepNode node, String path, Inputs inputs) {
        Path dir = steps.resolve(path).resolve("source");
        Path log = dir.resolve("log.txt");
        Path file = dir.resolve("digest");
        Instant started = Instant.now();
        AttemptOutcome outcome;
        try {
            FileTrees.delete(dir);
            Files.createDirectories(dir);
            Files.createFile(log);
            outcome = attempts.digestSources(
                    new Attempt(
                            launchSpec(
                                    node.name(),
                                    node.component(),
                                    inputs.params(),
                                    Map.of(),
                                    Map.of(),
                                    Map.of(),
                                    null,
                                    0),
                            log,
                            node.options().env(),
                            node.options().timeout(),
                            null,
                            node.options().image()),
                    file);
            if (outcome.ok()) {
                String digest = Files.readString(file, StandardCharsets.UTF_8);
                return new SourceDigest(digest.isEmpty() ? null : digest, null);
            }
        } catch (IOException | UncheckedIOException e) {
            outcome = new AttemptOutcome(
                    StepStatus.ERROR,
                    null,
                    "cannot digest the sources of step '" + path + "' in " + dir + ": " + e.getMessage());
        }
        return new SourceDigest(
                null,
                new AttemptRecord(
                        1,
                        outcome.status(),
                        started.toString(),
                        Instant.now().toString(),
                        log.toString(),
                        outcome.exitCode(),
                        outcome.message()));
    }

    /**
     * One attempt through the step launcher's contract, in this JVM or a child one as the isolation says: the
     * step's component, or {@code replacement} when a test gives one (for a step of any kind).
     */
    AttemptOutcome launch(StepRun run, Path dir, Path log, int retry, StepBody replacement) {
        Map<String, String> outParams = new TreeMap<>();
        Map<String, String> outArtifacts = new TreeMap<>();
        for (PortSpec port : run.component.outputs()) {
            if (port.isArtifact()) {
                outArtifacts.put(
                        port.name(),
                        dir.resolve("outputs/artifacts").resolve(port.name()).toString());
            } else {
                outParams.put(
                        port.name(),
                        dir.resolve("outputs/params").resolve(port.name()).toString());
            }
        }
        Map<String, String> inArtifacts = new TreeMap<>();
        run.inputs.artifacts().forEach((k, v) -> inArtifacts.put(k, v.artifact().toString()));
        LaunchSpec spec = launchSpec(
                run.name,
                run.component,
                run.inputs.params(),
                inArtifacts,
                outParams,
                outArtifacts,
                dir.resolve("metrics.jsonl").toString(),
                retry - 1);
        AttemptOutcome outcome;
        MetricsFile.Tail metrics = MetricsFile.follow(
                Path.of(spec.metricsFile()),
                metric -> listener.stepMetric(run.path, metric),
                metricsTimer,
                METRICS_EVERY);
        try {
            outcome = deadline.against(
                    attempts.run(new Attempt(
                            spec,
                            log,
                            run.options.env(),
                            deadline.within(run.options).timeout(),
                            replacement,
                            run.options.image(),
                            run.network)),
                    run.path);
        } finally {
            closeMetrics(metrics, log);
            reportSources(run.path, LaunchContext.sourcesFile(Path.of(spec.metricsFile())), log);
        }
        if (outcome.ok()) {
            try {
                run.produced = collectOutputs(dir, run.component);
            } catch (UncheckedIOException e) {
                return new AttemptOutcome(StepStatus.ERROR, outcome.exitCode(), e.getMessage());
            }
        }
        return outcome;
    }

    /** A container or script step, through the engine chosen for this run (or this host, when allowed). */
    AttemptOutcome runInContainer(StepRun run, Path dir, Path log, Node.ContainerNode node) {
        Map<String, Path> inArtifacts = new TreeMap<>();
        run.inputs.artifacts().forEach((k, v) -> inArtifacts.put(k, v.artifact()));
        ContainerStepResult result;
        try {
            Node.ContainerNode limited = new Node.ContainerNode(
                    node.name(),
                    node.component(),
                    node.container(),
                    node.bindings(),
                    deadline.within(node.options()),
                    node.dependencies(),
                    node.when());
            result = external.containers()
                    .run(new ContainerStep(pipeline, limited, run.inputs.params(), inArtifacts, dir, log, run.network));
        } catch (ContainerSetupException e) {
            return new AttemptOutcome(StepStatus.ERROR, ContainerSetupException.EXIT_CODE, e.getMessage());
        } catch (IOException e) {
            return new AttemptOutcome(StepStatus.ERROR, null, "step '" + run.path + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AttemptOutcome(StepStatus.ERROR, null, "step '" + run.path + "' was interrupted");
        }
        if (!result.succeeded()) {
            return deadline.against(
                    new AttemptOutcome(StepStatus.FAILED, result.exitCode(), result.message()), run.path);
        }
        run.produced = new NodeResult(
                StepStatus.SUCCEEDED, result.params(), result.artifacts(), result.digests(), List.of(), null);
        return new AttemptOutcome(StepStatus.SUCCEEDED, result.exitCode(), null);
    }

    /** The launcher's arguments for a step of this run; values in their transport form, as a pod's arguments carry them. */
    private LaunchSpec launchSpec(
            String step,
            ComponentSpec component,
            Map<String, String> inputParams,
            Map<String, String> inArtifacts,
            Map<String, String> outParams,
            Map<String, String> outArtifacts,
            String metrics,
            int attempt) {
        Map<String, String> params = new TreeMap<>();
        inputParams.forEach((k, v) -> params.put(k, ValueCodec.armour(v)));
        return new LaunchSpec(
                component.className(),
                pipeline,
                step,
                runId,
                attempt,
                params,
                inArtifacts,
                outParams,
                outArtifacts,
                metrics);
    }

    /** Tells listeners the data sets the attempt reported reading; a file that cannot be read costs them, not the step. */
    private void reportSources(String path, Path file, Path log) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    listener.stepSource(path, ValueCodec.decode(SOURCE_DATASET, line));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            try {
                Files.writeString(
                        log,
                        "fermion: cannot read the sources the step reported: " + e.getMessage()
                                + System.lineSeparator(),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // The log is gone too; the step's result stands.
            }
        }
    }

    /** Delivers the attempt's last metrics; a metrics file that cannot be read costs the metrics, not the step. */
    private static void closeMetrics(MetricsFile.Tail metrics, Path log) {
        try {
            metrics.close();
        } catch (UncheckedIOException e) {
            try {
                Files.writeString(
                        log,
                        "fermion: " + e.getMessage() + System.lineSeparator(),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // The log is gone too; the record still tells how the attempt ended.
            }
        }
    }

    private static NodeResult collectOutputs(Path dir, ComponentSpec component) {
        Map<String, String> outParams = new TreeMap<>();
        Map<String, Path> outArtifacts = new TreeMap<>();
        Map<String, String> digests = new TreeMap<>();
        for (PortSpec port : component.outputs()) {
            if (port.isArtifact()) {
                Path artifact = dir.resolve("outputs/artifacts").resolve(port.name());
                outArtifacts.put(port.name(), artifact);
                digests.put(
                        port.name(),
                        read(dir.resolve("outputs/params").resolve(port.name() + LaunchSpec.DIGEST_SUFFIX)));
            } else {
                outParams.put(
                        port.name(),
                        ValueCodec.disarm(read(dir.resolve("outputs/params").resolve(port.name()))));
            }
        }
        return new NodeResult(StepStatus.SUCCEEDED, outParams, outArtifacts, digests, List.of(), null);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the launcher reported success but left no " + file, e);
        }
    }
}
