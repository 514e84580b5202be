package dev.fermion.runtime.local;

import dev.fermion.contract.CacheKey;
import dev.fermion.contract.CodeDigest;
import dev.fermion.contract.LaunchSpec;
import dev.fermion.contract.ValueCodec;
import dev.fermion.dsl.Directory;
import dev.fermion.dsl.Retry;
import dev.fermion.dsl.StepOptions;
import dev.fermion.dsl.ValueType;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Descriptions;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Exprs;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.plan.PortSpec;
import dev.fermion.runtime.container.ContainerCacheKey;
import dev.fermion.runtime.container.ContainerSetupException;
import dev.fermion.runtime.container.ContainerStep;
import dev.fermion.runtime.container.ContainerStepResult;
import dev.fermion.runtime.container.ResourceStepResult;
import dev.fermion.runtime.container.Sidecars;
import dev.fermion.runtime.launch.Artifacts;
import dev.fermion.runtime.launch.LaunchContext;
import dev.fermion.runtime.launch.StepBody;
import dev.fermion.runtime.launch.StepLauncher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * One run of a plan: walks the graphs as Argo's DAG controller does, with the same meaning for
 * dependencies, conditions, skipped and omitted nodes, loops, fan-in, sub-pipelines, retries, timeouts and
 * the exit handler, and keeps the run record on disk current after every change.
 *
 * <p>Argo rules mirrored here: a node starts when each dependency has succeeded or was skipped; a node
 * whose condition is false is Skipped (its dependents may still run); a node after a failed one is Omitted;
 * after any failure no new node of that graph starts (fail-fast) while running ones finish; an empty loop is
 * Skipped; the exit handler runs after the main graph whatever its outcome.
 */
final class Execution {
    private static final ValueType<Directory> ANY_ARTIFACT = ValueType.of(Directory.class);
    /** The cache key's entry for an image known at run time: the name the compiler gives the step's image input. */
    private static final String IMAGE_KEY = "fermion-image";
    private static final ValueType<dev.fermion.dsl.SourceDataset> SOURCE_DATASET = ValueType.of(dev.fermion.dsl.SourceDataset.class);

    private final Plan plan;
    private final RunOptions options;
    private final RunStore store;
    private final CacheStore cache;
    private final AttemptRunner attempts;
    private final ExternalSteps external;
    private final Map<String, String> params;
    private final Map<String, StepRecord> previous;
    private final Path runDir;
    private final String runId;
    private final ExecutorService pool;
    private final AtomicLong events = new AtomicLong();
    private final Map<String, StepRecord> steps = new ConcurrentHashMap<>();
    /** How often a running step's new metrics are read: often enough for a live chart, rarely enough to cost nothing. */
    private static final Duration METRICS_EVERY = Duration.ofSeconds(1);
    private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();
    private final Map<String, ComponentSpec> components = new ConcurrentHashMap<>();
    private final Map<String, String> cachedFrom = new ConcurrentHashMap<>();
    private final ExecutorService recorder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fermion-run-record");
        t.setDaemon(true);
        return t;
    });
    /** Reads running attempts' metrics files, so metrics reach listeners while a step runs. */
    private final ScheduledExecutorService metricsTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fermion-metrics");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean writePending = new AtomicBoolean();
    private final AtomicLong changes = new AtomicLong();
    /** Steps changed since the last write, journaled by the next one. */
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private long written;
    private RunRecord record;
    private volatile RunStatus mainStatus;
    /** When the main graph must have finished ({@code Plan#lifecycle}'s timeout); null without one, and for the exit handler. */
    private volatile Instant deadline;

    Execution(Plan plan, RunOptions options, RunStore store, RunRecord initial, Map<String, StepRecord> previous,
              ExternalSteps external) {
        this.plan = plan;
        this.external = external;
        this.options = options;
        this.store = store;
        this.cache = new CacheStore(options.home().cache());
        this.attempts = AttemptRunner.of(options, external);
        this.params = initial.params();
        this.previous = previous;
        this.runId = initial.runId();
        this.steps.putAll(previous);
        this.record = initial;
        this.runDir = options.home().run(initial.runId());
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(options.parallelism(), r -> {
            Thread t = new Thread(r, "fermion-runner-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long highest = previous.values().stream().mapToLong(s -> Math.max(s.startOrder(), s.endOrder())).max().orElse(0);
        events.set(highest);
    }

    RunRecord execute() {
        synchronized (this) {
            record = record.withSteps(new TreeMap<>(steps));
            store.save(record);
        }
        options.listener().runStarted(record);
        try {
            Frame main = Frame.top("");
            Duration timeout = plan.lifecycle().timeout();
            deadline = timeout == null ? null : Instant.now().plus(timeout);
            runGraph(plan.graph(), main).join();
            // As on Argo, the exit handler runs whatever the time.
            deadline = null;
            Map<String, String> results = results(main);
            RunStatus status = runStatus(main.outcome());
            mainStatus = status;
            String message = status == RunStatus.SUCCEEDED ? null : failureSummary(main);
            if (plan.onExit().isPresent()) {
                Frame exit = Frame.top("");
                runGraph(plan.onExit().get(), exit).join();
                if (exit.outcome() != StepStatus.SUCCEEDED && status == RunStatus.SUCCEEDED) {
                    status = RunStatus.FAILED;
                    message = "the exit handler failed: " + failureSummary(exit);
                }
            }
            drainRecorder();
            synchronized (this) {
                record = record.withSteps(new TreeMap<>(steps)).withResults(results).finished(status, Instant.now(), message);
                store.save(record);
            }
            options.listener().runFinished(record);
            return record;
        } finally {
            pool.shutdownNow();
            recorder.shutdownNow();
            metricsTimer.shutdownNow();
        }
    }

    /** The pipeline's declared results that the main graph produced; one whose step did not succeed is left out. */
    private Map<String, String> results(Frame main) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (dev.fermion.plan.ResultSpec result : plan.results()) {
            try {
                values.put(result.name(), resolve(result.value(), main, "result '" + result.name() + "'").text());
            } catch (ResolveException e) {
                // Its step was skipped, omitted or failed: the run has no such result.
            }
        }
        return values;
    }

    private static RunStatus runStatus(StepStatus outcome) {
        switch (outcome) {
            case SUCCEEDED:
                return RunStatus.SUCCEEDED;
            case ERROR:
                return RunStatus.ERROR;
            default:
                return RunStatus.FAILED;
        }
    }

    /**
     * Why a frame failed: the first failed step, or else the deepest failed node with a reason (a sub-pipeline
     * call that could not start, a recursion that hit its depth limit).
     */
    private String failureSummary(Frame frame) {
        List<StepRecord> failed = steps.values().stream()
                .filter(s -> s.path().startsWith(frame.prefix())
                        && (s.status() == StepStatus.FAILED || s.status() == StepStatus.ERROR))
                .toList();
        return failed.stream().filter(s -> "step".equals(s.kind())).findFirst()
                .or(() -> failed.stream().filter(s -> s.message() != null)
                        .max(java.util.Comparator.comparingInt(s -> s.path().length())))
                .map(s -> s.message() != null ? s.message()
                        : "step '" + s.path() + "' " + s.status().label().toLowerCase(java.util.Locale.ROOT))
                .orElse("a step did not succeed");
    }


    private CompletableFuture<Void> runGraph(Graph graph, Frame frame) {
        for (Node node : graph.nodes()) {
            String path = frame.path(node.name());
            StepRecord fresh = StepRecord.pending(path, node.name(), kind(node), component(node));
            steps.compute(path, (k, earlier) -> earlier == null ? fresh
                    : earlier.status() == StepStatus.SUCCEEDED ? earlier : fresh.withAttempts(earlier.attempts()));
            dirty.add(path);
        }
        changes.incrementAndGet();
        save();
        Map<String, CompletableFuture<NodeResult>> futures = new LinkedHashMap<>();
        for (Node node : graph.nodes()) {
            schedule(node, graph, frame, futures);
        }
        return CompletableFuture.allOf(futures.values().toArray(new CompletableFuture<?>[0]));
    }

    private CompletableFuture<NodeResult> schedule(Node node, Graph graph, Frame frame,
                                                   Map<String, CompletableFuture<NodeResult>> futures) {
        CompletableFuture<NodeResult> existing = futures.get(node.name());
        if (existing != null) {
            return existing;
        }
        List<CompletableFuture<NodeResult>> deps = new ArrayList<>();
        for (String dep : node.dependencies()) {
            Node upstream = graph.node(dep).orElseThrow(() -> new IllegalStateException("node " + node.name()
                    + " depends on " + dep + ", which graph " + graph.name() + " does not have"));
            deps.add(schedule(upstream, graph, frame, futures));
        }
        String path = frame.path(node.name());
        CompletableFuture<NodeResult> future = CompletableFuture.allOf(deps.toArray(new CompletableFuture<?>[0]))
                .thenCompose(v -> start(node, frame, path))
                .exceptionally(t -> finish(frame, node.name(), NodeResult.of(StepStatus.ERROR, "the runner failed on "
                        + path + ": " + rootCause(t)), UnaryOperator.identity()));
        futures.put(node.name(), future);
        return future;
    }

    private CompletableFuture<NodeResult> start(Node node, Frame frame, String path) {
        for (String dep : node.dependencies()) {
            NodeResult upstream = frame.results().get(dep);
            if (upstream == null || !upstream.status().satisfiesDependents()) {
                return done(frame, node.name(), NodeResult.of(StepStatus.OMITTED, "not run: upstream '" + dep + "' "
                        + (upstream == null ? "did not finish" : upstream.status().label().toLowerCase(java.util.Locale.ROOT))));
            }
        }
        if (frame.stop().get()) {
            return done(frame, node.name(), NodeResult.of(StepStatus.OMITTED,
                    "not run: another step failed, so no new steps start (fail fast)"));
        }
        if (pastDeadline()) {
            return done(frame, node.name(), NodeResult.of(StepStatus.FAILED, "not run: " + timedOut()));
        }
        try {
            if (node.when().isPresent() && !Conditions.holds(node.when().get(), e -> resolve(e, frame, path))) {
                return done(frame, node.name(), NodeResult.of(StepStatus.SKIPPED,
                        "condition false: " + Descriptions.describe(node.when().get())));
            }
            return node.accept(new Node.Visitor<>() {
                @Override
                public CompletableFuture<NodeResult> stepNode(Node.StepNode step) {
                    return runStep(step, frame, path);
                }

                @Override
                public CompletableFuture<NodeResult> loopNode(Node.LoopNode loop) {
                    return runLoop(loop, frame, path);
                }

                @Override
                public CompletableFuture<NodeResult> callNode(Node.CallNode call) {
                    return runCall(call.name(), call.pipeline(), call.bindings(), frame, path, 1);
                }

                @Override
                public CompletableFuture<NodeResult> containerNode(Node.ContainerNode container) {
                    return runContainer(container, frame, path);
                }

                @Override
                public CompletableFuture<NodeResult> recurseNode(Node.RecurseNode recurse) {
                    int depth = frame.depth() + 1;
                    if (depth > recurse.maxDepth()) {
                        return done(frame, node.name(), NodeResult.of(StepStatus.FAILED, "step '" + path + "': the recursion "
                                + "reached its maximum depth of " + recurse.maxDepth() + " levels; raise maxDepth or check "
                                + "the condition that should end it"));
                    }
                    return runCall(recurse.name(), recurse.pipeline(), recurse.bindings(), frame, path, depth);
                }

                @Override
                public CompletableFuture<NodeResult> resourceNode(Node.ResourceNode resource) {
                    return runResource(resource, frame, path);
                }
            });
        } catch (ResolveException e) {
            return done(frame, node.name(), NodeResult.of(StepStatus.ERROR, e.getMessage()));
        }
    }

    private boolean pastDeadline() {
        Instant limit = deadline;
        return limit != null && !Instant.now().isBefore(limit);
    }

    private String timedOut() {
        return "pipeline '" + plan.name() + "' reached its timeout of "
                + plan.lifecycle().timeout().toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code options} with their timeout cut to what is left before the deadline, if there is one. */
    private StepOptions withinDeadline(StepOptions options) {
        Instant limit = deadline;
        if (limit == null) {
            return options;
        }
        return options.limitedTo(Duration.ofMillis(Math.max(1, Duration.between(Instant.now(), limit).toMillis())));
    }

    /** The outcome of an attempt the deadline may have stopped, told as the pipeline's timeout if it did. */
    private AttemptOutcome againstDeadline(AttemptOutcome outcome, String path) {
        if (!outcome.ok() && pastDeadline()) {
            return new AttemptOutcome(outcome.status(), outcome.exitCode(), timedOut() + ", so step '" + path
                    + "' was stopped");
        }
        return outcome;
    }

    private CompletableFuture<NodeResult> done(Frame frame, String node, NodeResult result) {
        return CompletableFuture.completedFuture(finish(frame, node, result, UnaryOperator.identity()));
    }

    /** Stores the result for dependents, records it, and trips fail-fast on failure. */
    private NodeResult finish(Frame frame, String node, NodeResult result, UnaryOperator<StepRecord> extra) {
        String path = frame.path(node);
        frame.results().put(node, result);
        if (result.status() == StepStatus.FAILED || result.status() == StepStatus.ERROR) {
            frame.stop().set(true);
        }
        Map<String, String> dirs = new TreeMap<>();
        result.artifacts().forEach((k, v) -> dirs.put(k, v.toString()));
        StepRecord finished = update(path, s -> extra.apply(s.finished(result.status(), events.incrementAndGet(), Instant.now(),
                result.message()).withResults(result.params(), dirs, result.digests(), s.cacheHit(), s.resumed())));
        if (StepRecord.STEP.equals(finished.kind())) {
            ComponentSpec component = components.get(path);
            List<PortArtifact> outputs = new ArrayList<>();
            result.artifacts().forEach((name, dir) -> outputs.add(new PortArtifact(name, Artifacts.of(component == null
                    ? ANY_ARTIFACT : component.output(name).map(PortSpec::type).orElse(ANY_ARTIFACT), dir),
                    result.digests().get(name))));
            options.listener().stepFinished(finished, List.copyOf(outputs), cachedFrom.remove(path));
        }
        return result;
    }


    private CompletableFuture<NodeResult> runStep(Node.StepNode node, Frame frame, String path) {
        Inputs inputs = inputs(node.bindings(), frame, path);
        Class<?> type = componentClass(node.component(), path);
        StepBody replacement = options.replacements().get(node.name());
        boolean digest = node.component().readsSources() && replacement == null && options.cache()
                && node.options().cachingEnabled();
        CompletableFuture<SourceDigest> source = digest
                ? CompletableFuture.supplyAsync(() -> digestSources(node, path, inputs), pool)
                : CompletableFuture.completedFuture(SourceDigest.NONE);
        return source.thenCompose(sources -> {
            if (sources.failure() != null) {
                AttemptRecord failure = sources.failure();
                return done(frame, node.name(), NodeResult.of(failure.status(), failure.message()), List.of(failure));
            }
            String key = CacheKey.compute(node.component().className(), node.component().version(), CodeDigest.of(type),
                    inputs.params(), inputs.digests(), sources.digest());
            return runAttempts(new StepRun(node.name(), path, node.component(), node.options(), inputs, key,
                    replacement != null, (run, dir, log, retry) -> launch(run, dir, log, retry, replacement)), frame);
        });
    }

    /** A step's digest of the data it reads from outside the pipeline, or why it could not be made. */
    private record SourceDigest(String digest, AttemptRecord failure) {
        static final SourceDigest NONE = new SourceDigest(null, null);
    }

    /**
     * Digests what the step will read from outside the pipeline, through the launcher as its attempts run,
     * so that its cache key covers the content and not just the path. A source that cannot be read fails the
     * step now, recorded as its first attempt with the launcher's message and log.
     */
    private SourceDigest digestSources(Node.StepNode node, String path, Inputs inputs) {
        Path dir = stepDir(path).resolve("source");
        Path log = dir.resolve("log.txt");
        Path file = dir.resolve("digest");
        Instant started = Instant.now();
        AttemptOutcome outcome;
        try {
            FileTrees.delete(dir);
            Files.createDirectories(dir);
            Files.createFile(log);
            outcome = attempts.digestSources(new Attempt(launchSpec(node.name(), node.component(), inputs.params(),
                    Map.of(), Map.of(), Map.of(), null, 0), log, node.options().env(), node.options().timeout(), null,
                    node.options().image()), file);
            if (outcome.ok()) {
                String digest = Files.readString(file, StandardCharsets.UTF_8);
                return new SourceDigest(digest.isEmpty() ? null : digest, null);
            }
        } catch (IOException | UncheckedIOException e) {
            outcome = new AttemptOutcome(StepStatus.ERROR, null, "cannot digest the sources of step '" + path + "' in "
                    + dir + ": " + e.getMessage());
        }
        return new SourceDigest(null, new AttemptRecord(1, outcome.status(), started.toString(), Instant.now().toString(),
                log.toString(), outcome.exitCode(), outcome.message()));
    }

    /** Finishes a step that ended before its attempts could run, with {@code attempts} as its record. */
    private CompletableFuture<NodeResult> done(Frame frame, String node, NodeResult result, List<AttemptRecord> attempts) {
        return CompletableFuture.completedFuture(finish(frame, node, result, s -> s.withAttempts(attempts)));
    }

    private CompletableFuture<NodeResult> runContainer(Node.ContainerNode declared, Frame frame, String path) {
        Inputs inputs = inputs(declared.bindings(), frame, path);
        Node.ContainerNode node = declared;
        Map<String, String> keyParams = inputs.params();
        if (declared.options().imageFrom() != null) {
            // The image is known now: the step runs it, and it is part of the cache key, as on Argo.
            String image = resolve(declared.options().imageFrom(), frame, path + " image").text();
            node = new Node.ContainerNode(declared.name(), declared.component(), declared.container(), declared.bindings(),
                    declared.options().withResolvedImage(image), declared.dependencies(), declared.when());
            keyParams = new TreeMap<>(inputs.params());
            keyParams.put(IMAGE_KEY, image);
        }
        Node.ContainerNode resolved = node;
        String key = ContainerCacheKey.of(node, keyParams, inputs.digests());
        StepBody replacement = options.replacements().get(node.name());
        AttemptBody body = replacement != null
                ? (run, dir, log, retry) -> launch(run, dir, log, retry, replacement)
                : (run, dir, log, retry) -> runInContainer(run, dir, log, resolved);
        return runAttempts(new StepRun(node.name(), path, node.component(), node.options(), inputs, key,
                replacement != null, body), frame);
    }

    /** A step's resolved inputs: parameters as encoded text, artifacts with their directories and digests. */
    private record Inputs(Map<String, String> params, Map<String, Resolved> artifacts) {
        Map<String, String> digests() {
            Map<String, String> digests = new TreeMap<>();
            artifacts.forEach((k, v) -> digests.put(k, v.digest()));
            return digests;
        }
    }

    private Inputs inputs(Map<String, Expr> bindings, Frame frame, String path) {
        Map<String, String> paramInputs = new TreeMap<>();
        Map<String, Resolved> artifactInputs = new TreeMap<>();
        for (Map.Entry<String, Expr> binding : bindings.entrySet()) {
            Resolved value = resolve(binding.getValue(), frame, path + " input '" + binding.getKey() + "'");
            if (value.isArtifact()) {
                artifactInputs.put(binding.getKey(), value);
            } else {
                paramInputs.put(binding.getKey(), value.text());
            }
        }
        return new Inputs(paramInputs, artifactInputs);
    }

    /** The cache, resume and retry handling every step kind shares; {@code run.body} runs one attempt. */
    private CompletableFuture<NodeResult> runAttempts(StepRun run, Frame frame) {
        String path = run.path;
        ComponentSpec component = run.component;
        update(path, s -> s.withCacheKey(run.key));
        components.put(path, component);
        List<PortArtifact> inputArtifacts = new ArrayList<>();
        run.inputs.artifacts().forEach((name, value) -> inputArtifacts.add(new PortArtifact(name,
                Artifacts.of(value.type(), value.artifact()), value.digest())));
        Map<String, String> params = Map.copyOf(run.inputs.params());
        Optional<NodeResult> restored = restore(path, run.key, component);
        if (restored.isPresent()) {
            options.listener().stepStarted(path, component, params, List.copyOf(inputArtifacts), true);
            return done(frame, run.name, restored.get(), previous.get(path));
        }
        boolean useCache = options.cache() && run.options.cachingEnabled() && !run.replaced;
        if (useCache) {
            Optional<NodeResult> hit = cache.find(run.key, run.options.cache().maxAge(), Instant.now())
                    .flatMap(entry -> fromCache(entry, component, path));
            if (hit.isPresent()) {
                options.listener().stepStarted(path, component, params, List.copyOf(inputArtifacts), true);
                return CompletableFuture.completedFuture(finish(frame, run.name, hit.get(),
                        s -> s.withResults(s.outputs(), s.artifacts(), s.digests(), true, false)));
            }
        }
        options.listener().stepStarted(path, component, params, List.copyOf(inputArtifacts), false);
        return attempt(run, 1).thenApply(outcome -> {
            if (!outcome.ok()) {
                return finish(frame, run.name, NodeResult.of(outcome.status(), outcome.message()), UnaryOperator.identity());
            }
            NodeResult result = run.produced;
            if (useCache) {
                try {
                    cache.put(new CacheStore.Entry(run.key, component.className(), Instant.now().toString(), result.params(),
                            result.digests(), runId), result.artifacts());
                } catch (UncheckedIOException e) {
                    result = new NodeResult(result.status(), result.params(), result.artifacts(), result.digests(),
                            List.of(), "succeeded, but its result could not be cached: " + e.getMessage());
                }
            }
            return finish(frame, run.name, result, UnaryOperator.identity());
        });
    }

    /**
     * A Kubernetes-resource step: applied through the cluster client, never cached (its effect is the
     * cluster's). A test double in its place runs like a Java step's, and needs no cluster.
     */
    private CompletableFuture<NodeResult> runResource(Node.ResourceNode node, Frame frame, String path) {
        StepBody replacement = options.replacements().get(node.name());
        if (replacement != null) {
            Inputs inputs = inputs(node.bindings(), frame, path);
            String key = CacheKey.compute(node.component().className(), node.component().version(), "test-double",
                    inputs.params(), inputs.digests());
            return runAttempts(new StepRun(node.name(), path, node.component(), node.options(), inputs, key, true,
                    (run, dir, log, retry) -> launch(run, dir, log, retry, replacement)), frame);
        }
        Map<String, String> inputs = inputs(node.bindings(), frame, path).params();
        components.put(path, node.component());
        options.listener().stepStarted(path, node.component(), Map.copyOf(inputs), List.of(), false);
        update(path, s -> s.started(events.incrementAndGet(), Instant.now()));
        return CompletableFuture.supplyAsync(() -> {
            try {
                ResourceStepResult result = external.resources().run(plan.name(), node, inputs);
                return result.succeeded()
                        ? new NodeResult(StepStatus.SUCCEEDED, result.params(), Map.of(), Map.of(), List.of(), result.message())
                        : NodeResult.of(StepStatus.FAILED, result.message());
            } catch (ContainerSetupException e) {
                return NodeResult.of(StepStatus.ERROR, e.getMessage());
            }
        }, pool).thenApply(result -> finish(frame, node.name(), result, UnaryOperator.identity()));
    }

    /** A step whose result is kept from the run being resumed: its record stays as that run left it, times included. */
    private CompletableFuture<NodeResult> done(Frame frame, String node, NodeResult result, StepRecord prior) {
        return CompletableFuture.completedFuture(finish(frame, node, result,
                s -> s.withAttempts(prior.attempts()).withResults(s.outputs(), s.artifacts(), s.digests(), prior.cacheHit(), true)
                        .timedAs(prior)));
    }

    /** A step that succeeded in the run being resumed, with the same cache key: its outputs are reused. */
    private Optional<NodeResult> restore(String path, String key, ComponentSpec component) {
        StepRecord prior = previous.get(path);
        if (prior == null || prior.status() != StepStatus.SUCCEEDED || !key.equals(prior.cacheKey())) {
            return Optional.empty();
        }
        Map<String, Path> artifacts = new TreeMap<>();
        for (PortSpec port : component.outputs()) {
            if (!port.isArtifact()) {
                if (!prior.outputs().containsKey(port.name())) {
                    return Optional.empty();
                }
                continue;
            }
            String dir = prior.artifacts().get(port.name());
            if (dir == null || !Files.isDirectory(Path.of(dir))) {
                return Optional.empty();
            }
            artifacts.put(port.name(), Path.of(dir));
        }
        return Optional.of(new NodeResult(StepStatus.SUCCEEDED, prior.outputs(), artifacts, prior.digests(), List.of(),
                "finished in an earlier attempt of this run"));
    }

    /** The cached result, its artifacts linked into this run; empty if the entry vanished meanwhile (a miss). */
    private Optional<NodeResult> fromCache(CacheStore.Entry entry, ComponentSpec component, String path) {
        Map<String, Path> artifacts = new TreeMap<>();
        try {
            for (PortSpec port : component.outputs()) {
                if (port.isArtifact()) {
                    Path target = stepDir(path).resolve("cached").resolve(port.name());
                    FileTrees.delete(target);
                    FileTrees.linkOrCopy(cache.artifact(entry.key(), port.name()), target);
                    artifacts.put(port.name(), target);
                }
            }
        } catch (UncheckedIOException e) {
            return Optional.empty();
        }
        if (entry.runId() != null) {
            cachedFrom.put(path, entry.runId());
        }
        return Optional.of(new NodeResult(StepStatus.SUCCEEDED, entry.outputs(), artifacts, entry.digests(), List.of(),
                entry.runId() == null ? "cached result of an earlier run" : "cached result of run " + entry.runId()));
    }

    /** Runs one attempt of a step in {@code dir}, its output in {@code log}; on success sets {@code run.produced}. */
    private interface AttemptBody {
        AttemptOutcome run(StepRun run, Path dir, Path log, int retry);
    }

    /** The inputs and attempt history of one step while its attempts run. */
    private final class StepRun {
        final String name;
        final String path;
        final ComponentSpec component;
        final StepOptions options;
        final Inputs inputs;
        final String key;
        final boolean replaced;
        final AttemptBody body;
        final List<AttemptRecord> history = new ArrayList<>();
        volatile NodeResult produced;
        /** The current attempt's sidecars' network, for a container step to join; null without sidecars. */
        volatile String network;

        StepRun(String name, String path, ComponentSpec component, StepOptions options, Inputs inputs, String key,
                boolean replaced, AttemptBody body) {
            this.name = name;
            this.path = path;
            this.component = component;
            this.options = options;
            this.inputs = inputs;
            this.key = key;
            this.replaced = replaced;
            this.body = body;
            StepRecord prior = previous.get(path);
            if (prior != null) {
                for (AttemptRecord attempt : prior.attempts()) {
                    history.add(attempt.status() == StepStatus.RUNNING ? new AttemptRecord(attempt.number(), StepStatus.ERROR,
                            attempt.startedAt(), null, attempt.logFile(), null, RunRecord.STOPPED)
                            : attempt);
                }
            }
        }
    }

    private CompletableFuture<AttemptOutcome> attempt(StepRun run, int retry) {
        return CompletableFuture.supplyAsync(() -> runAttempt(run, retry), pool).thenCompose(outcome -> {
            Retry policy = run.options.retry();
            if (outcome.ok() || !outcome.retryable() || policy == null || retry > policy.limit()
                    || !retries(policy.policy(), outcome) || pastDeadline()) {
                return CompletableFuture.completedFuture(outcome);
            }
            long delay = policy.delayBefore(retry).toMillis();
            return CompletableFuture.supplyAsync(() -> retry + 1,
                            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, pool))
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
        Path stepDir = stepDir(run.path);
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
        AttemptRecord running = new AttemptRecord(number, StepStatus.RUNNING, started.toString(), null, log.toString(), null, null);
        List<AttemptRecord> startedHistory;
        synchronized (run.history) {
            run.history.add(running);
            startedHistory = List.copyOf(run.history);
        }
        update(run.path, s -> {
            StepRecord withAttempts = s.withAttempts(startedHistory);
            return s.status() == StepStatus.RUNNING ? withAttempts.withStatus(StepStatus.RUNNING, null)
                    : withAttempts.started(events.incrementAndGet(), started);
        });
        flush();
        AttemptOutcome outcome = withSidecars(run, dir, log, retry);
        AttemptRecord ended = new AttemptRecord(number, outcome.status(), started.toString(), Instant.now().toString(),
                log.toString(), outcome.exitCode(), outcome.message());
        List<AttemptRecord> endedHistory;
        synchronized (run.history) {
            run.history.set(run.history.indexOf(running), ended);
            endedHistory = List.copyOf(run.history);
        }
        update(run.path, s -> s.withAttempts(endedHistory));
        return outcome;
    }

    /**
     * Runs one attempt, with the step's sidecars running next to it as in its pod (a test double runs without
     * them); their logs are kept in the attempt's directory.
     */
    private AttemptOutcome withSidecars(StepRun run, Path dir, Path log, int retry) {
        List<dev.fermion.dsl.Sidecar> sidecars = run.replaced ? List.of() : run.options.sidecars();
        if (sidecars.isEmpty()) {
            return run.body.run(run, dir, log, retry);
        }
        try (Sidecars.Running running = external.sidecars().start("pipeline '" + plan.name() + "', step '" + run.path + "'",
                sidecars, dir)) {
            run.network = running.network();
            return run.body.run(run, dir, log, retry);
        } catch (ContainerSetupException e) {
            return new AttemptOutcome(StepStatus.ERROR, ContainerSetupException.EXIT_CODE, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AttemptOutcome(StepStatus.ERROR, null, "step '" + run.path + "' was interrupted while its sidecars started");
        }
    }

    /** Tells listeners the data sets the attempt reported reading; a file that cannot be read costs them, not the step. */
    private void reportSources(String path, Path file, Path log) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    options.listener().stepSource(path, ValueCodec.decode(SOURCE_DATASET, line));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            try {
                Files.writeString(log, "fermion: cannot read the sources the step reported: " + e.getMessage()
                        + System.lineSeparator(), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
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
                Files.writeString(log, "fermion: " + e.getMessage() + System.lineSeparator(), StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // The log is gone too; the record still tells how the attempt ended.
            }
        }
    }

    /**
     * One attempt through the step launcher's contract, in this JVM or a child one as the isolation says: the
     * step's component, or {@code replacement} when a test gives one (for a step of any kind).
     */
    private AttemptOutcome launch(StepRun run, Path dir, Path log, int retry, StepBody replacement) {
        Map<String, String> outParams = new TreeMap<>();
        Map<String, String> outArtifacts = new TreeMap<>();
        for (PortSpec port : run.component.outputs()) {
            if (port.isArtifact()) {
                outArtifacts.put(port.name(), dir.resolve("outputs/artifacts").resolve(port.name()).toString());
            } else {
                outParams.put(port.name(), dir.resolve("outputs/params").resolve(port.name()).toString());
            }
        }
        Map<String, String> inArtifacts = new TreeMap<>();
        run.inputs.artifacts().forEach((k, v) -> inArtifacts.put(k, v.artifact().toString()));
        LaunchSpec spec = launchSpec(run.name, run.component, run.inputs.params(), inArtifacts, outParams, outArtifacts,
                dir.resolve("metrics.jsonl").toString(), retry - 1);
        AttemptOutcome outcome;
        MetricsFile.Tail metrics = MetricsFile.follow(Path.of(spec.metricsFile()),
                metric -> options.listener().stepMetric(run.path, metric), metricsTimer, METRICS_EVERY);
        try {
            outcome = againstDeadline(attempts.run(new Attempt(spec, log, run.options.env(),
                    withinDeadline(run.options).timeout(), replacement, run.options.image(), run.network)), run.path);
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

    /** The launcher's arguments for a step of this run; values in their transport form, as a pod's arguments carry them. */
    private LaunchSpec launchSpec(String step, ComponentSpec component, Map<String, String> inputParams,
                                  Map<String, String> inArtifacts, Map<String, String> outParams,
                                  Map<String, String> outArtifacts, String metrics, int attempt) {
        Map<String, String> params = new TreeMap<>();
        inputParams.forEach((k, v) -> params.put(k, ValueCodec.armour(v)));
        return new LaunchSpec(component.className(), plan.name(), step, runId, attempt, params, inArtifacts, outParams,
                outArtifacts, metrics);
    }

    /** A container or script step, through the engine chosen for this run (or this host, when allowed). */
    private AttemptOutcome runInContainer(StepRun run, Path dir, Path log, Node.ContainerNode node) {
        Map<String, Path> inArtifacts = new TreeMap<>();
        run.inputs.artifacts().forEach((k, v) -> inArtifacts.put(k, v.artifact()));
        ContainerStepResult result;
        try {
            Node.ContainerNode limited = new Node.ContainerNode(node.name(), node.component(), node.container(),
                    node.bindings(), withinDeadline(node.options()), node.dependencies(), node.when());
            result = external.containers().run(new ContainerStep(plan.name(), limited, run.inputs.params(), inArtifacts, dir,
                    log, run.network));
        } catch (ContainerSetupException e) {
            return new AttemptOutcome(StepStatus.ERROR, ContainerSetupException.EXIT_CODE, e.getMessage());
        } catch (IOException e) {
            return new AttemptOutcome(StepStatus.ERROR, null, "step '" + run.path + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AttemptOutcome(StepStatus.ERROR, null, "step '" + run.path + "' was interrupted");
        }
        if (!result.succeeded()) {
            return againstDeadline(new AttemptOutcome(StepStatus.FAILED, result.exitCode(), result.message()), run.path);
        }
        run.produced = new NodeResult(StepStatus.SUCCEEDED, result.params(), result.artifacts(), result.digests(), List.of(),
                null);
        return new AttemptOutcome(StepStatus.SUCCEEDED, result.exitCode(), null);
    }

    private NodeResult collectOutputs(Path dir, ComponentSpec component) {
        Map<String, String> outParams = new TreeMap<>();
        Map<String, Path> outArtifacts = new TreeMap<>();
        Map<String, String> digests = new TreeMap<>();
        for (PortSpec port : component.outputs()) {
            if (port.isArtifact()) {
                Path artifact = dir.resolve("outputs/artifacts").resolve(port.name());
                outArtifacts.put(port.name(), artifact);
                digests.put(port.name(), read(dir.resolve("outputs/params").resolve(port.name() + LaunchSpec.DIGEST_SUFFIX)));
            } else {
                outParams.put(port.name(), ValueCodec.disarm(read(dir.resolve("outputs/params").resolve(port.name()))));
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

    private Class<?> componentClass(ComponentSpec component, String path) {
        return classes.computeIfAbsent(component.className(), name -> {
            try {
                return Class.forName(name, false, options.classLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ResolveException("step '" + path + "': component class " + name
                        + " is not on the classpath; pass your project's classes with --classpath");
            }
        });
    }

    private Path stepDir(String path) {
        return runDir.resolve("steps").resolve(path);
    }


    private CompletableFuture<NodeResult> runLoop(Node.LoopNode node, Frame frame, String path) {
        List<Resolved> items = loopItems(node, frame, path);
        update(path, s -> s.started(events.incrementAndGet(), Instant.now()));
        if (items.isEmpty()) {
            return done(frame, node.name(), NodeResult.of(StepStatus.SKIPPED, "the loop's list is empty"));
        }
        List<Frame> iterations = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            iterations.add(frame.iteration(node.name(), i, items.get(i)));
        }
        int cap = node.parallelism() > 0 ? Math.min(node.parallelism(), items.size()) : items.size();
        AtomicInteger next = new AtomicInteger();
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < cap; lane++) {
            lanes.add(nextIteration(node, iterations, next));
        }
        return CompletableFuture.allOf(lanes.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            StepStatus status = StepStatus.SUCCEEDED;
            for (Frame iteration : iterations) {
                StepStatus outcome = iteration.outcome();
                if (outcome == StepStatus.ERROR || (outcome == StepStatus.FAILED && status != StepStatus.ERROR)
                        || (outcome == StepStatus.OMITTED && status == StepStatus.SUCCEEDED)) {
                    status = outcome;
                }
            }
            String message = items.size() + " iteration" + (items.size() == 1 ? "" : "s");
            return finish(frame, node.name(), new NodeResult(status, Map.of(), Map.of(), Map.of(), iterations, message),
                    UnaryOperator.identity());
        });
    }

    /** Runs iterations one after another on one lane; {@code parallelism} lanes share the list. */
    private CompletableFuture<Void> nextIteration(Node.LoopNode node, List<Frame> iterations, AtomicInteger next) {
        int index = next.getAndIncrement();
        if (index >= iterations.size()) {
            return CompletableFuture.completedFuture(null);
        }
        return runGraph(node.body(), iterations.get(index)).thenCompose(v -> nextIteration(node, iterations, next));
    }

    private List<Resolved> loopItems(Node.LoopNode node, Frame frame, String path) {
        ValueType<?> itemType = node.itemType();
        List<?> values;
        if (node.items() instanceof Expr.Literal literal) {
            values = (List<?>) literal.value();
        } else {
            Resolved list = resolve(node.items(), frame, path + " items");
            try {
                values = (List<?>) ValueCodec.decode(ValueType.listOf(itemType), list.text());
            } catch (IllegalArgumentException e) {
                throw new ResolveException("loop '" + path + "': its items are not a list of " + itemType.displayName()
                        + ": " + e.getMessage());
            }
        }
        List<Resolved> items = new ArrayList<>();
        for (Object value : values) {
            items.add(Resolved.text(itemType, ValueCodec.encode(itemType, value)));
        }
        return items;
    }

    /** A sub-pipeline call, or a recursive call at {@code depth} (1 for a call from outside the sub-pipeline). */
    private CompletableFuture<NodeResult> runCall(String name, String pipeline, Map<String, Expr> bindings, Frame frame,
                                                  String path, int depth) {
        Graph body = plan.subPipeline(pipeline);
        Map<String, Resolved> inputs = new LinkedHashMap<>();
        for (PortSpec port : body.inputs()) {
            Expr expr = bindings.get(port.name());
            if (expr != null) {
                inputs.put(port.name(), resolve(expr, frame, path + " input '" + port.name() + "'"));
            } else if (port.defaultValue() != null) {
                inputs.put(port.name(), Resolved.text(port.type(), ValueCodec.encode(port.type(), port.defaultValue())));
            }
        }
        update(path, s -> s.started(events.incrementAndGet(), Instant.now()));
        Frame child = frame.call(name, inputs, depth);
        return runGraph(body, child).thenApply(v -> {
            StepStatus status = child.outcome();
            if (status != StepStatus.SUCCEEDED) {
                return finish(frame, name, NodeResult.of(status, failureSummary(child)), UnaryOperator.identity());
            }
            Map<String, String> outParams = new TreeMap<>();
            Map<String, Path> outArtifacts = new TreeMap<>();
            Map<String, String> digests = new TreeMap<>();
            try {
                for (Graph.GraphOutput output : body.outputs()) {
                    Resolved value = resolve(output.source(), child, path + " output '" + output.name() + "'");
                    if (value.isArtifact()) {
                        outArtifacts.put(output.name(), value.artifact());
                        digests.put(output.name(), value.digest());
                    } else {
                        outParams.put(output.name(), value.text());
                    }
                }
            } catch (ResolveException e) {
                return finish(frame, name, NodeResult.of(StepStatus.ERROR, e.getMessage()), UnaryOperator.identity());
            }
            return finish(frame, name, new NodeResult(StepStatus.SUCCEEDED, outParams, outArtifacts, digests,
                    List.of(), null), UnaryOperator.identity());
        });
    }


    private Resolved resolve(Expr expr, Frame frame, String where) {
        return expr.accept(new Expr.Visitor<>() {
            @Override
            public Resolved literal(Expr.Literal literal) {
                return Resolved.text(literal.type(), ValueCodec.encode(literal.type(), literal.value()));
            }

            @Override
            public Resolved inline(Expr.Inline inline) {
                return Resolved.artifact(inline.type(), inlineFile(inline, where), inline.file().digest());
            }

            @Override
            public Resolved param(Expr.Param param) {
                String value = params.get(param.name());
                if (value == null) {
                    throw new ResolveException(where + " reads pipeline parameter '" + param.name() + "', which has no value");
                }
                return Resolved.text(param.type(), value);
            }

            @Override
            public Resolved stepOutput(Expr.StepOutput out) {
                NodeResult producer = frame.result(out.step());
                if (producer == null || producer.status() != StepStatus.SUCCEEDED) {
                    throw new ResolveException(where + " reads output '" + out.port() + "' of step '" + out.step()
                            + "', which " + (producer == null ? "has not run"
                            : "is " + producer.status().label().toLowerCase(java.util.Locale.ROOT)));
                }
                return output(producer, out.port(), out.type(), where + " (output '" + out.port() + "' of '" + out.step() + "')");
            }

            @Override
            public Resolved loopItem(Expr.LoopItem item) {
                Resolved value = frame.loopItem(item.loop());
                if (value == null) {
                    throw new ResolveException(where + " reads the item of loop '" + item.loop() + "' outside it");
                }
                return value;
            }

            @Override
            public Resolved collected(Expr.Collected collected) {
                return collect(collected, frame, where);
            }

            @Override
            public Resolved orElse(Expr.OrElse orElse) {
                Resolved value = available(orElse.value(), frame) ? resolve(orElse.value(), frame, where)
                        : resolve(orElse.fallback(), frame, where);
                return Resolved.text(orElse.type(), value.text());
            }

            @Override
            public Resolved field(Expr.Field field) {
                Resolved record = resolve(field.of(), frame, where);
                try {
                    return Resolved.text(field.type(), ValueCodec.field(record.text(), field.name(), field.type()));
                } catch (IllegalArgumentException e) {
                    throw new ResolveException(where + " reads '" + field.name() + "' of a record: " + e.getMessage());
                }
            }

            @Override
            public Resolved listOf(Expr.ListOf list) {
                List<Object> values = new ArrayList<>();
                for (Expr element : list.elements()) {
                    values.add(ValueCodec.decode(element.type(), resolve(element, frame, where).text()));
                }
                return Resolved.text(list.type(), ValueCodec.encode(list.type(), values));
            }

            @Override
            public Resolved mapOf(Expr.MapOf map) {
                Map<String, Object> values = new LinkedHashMap<>();
                map.entries().forEach((key, e) -> values.put(key, ValueCodec.decode(e.type(), resolve(e, frame, where).text())));
                return Resolved.text(map.type(), ValueCodec.encode(map.type(), values));
            }

            @Override
            public Resolved format(Expr.Format format) {
                StringBuilder text = new StringBuilder(format.texts().get(0));
                for (int i = 0; i < format.args().size(); i++) {
                    text.append(resolve(format.args().get(i), frame, where).text()).append(format.texts().get(i + 1));
                }
                return Resolved.text(format.type(), text.toString());
            }

            @Override
            public Resolved graphInput(Expr.GraphInput input) {
                Resolved value = frame.input(input.name());
                if (value == null) {
                    throw new ResolveException(where + " reads sub-pipeline input '" + input.name() + "', which is not bound");
                }
                return value;
            }

            @Override
            public Resolved workflowStatus(Expr.WorkflowStatus status) {
                if (mainStatus == null) {
                    throw new ResolveException(where + " reads the pipeline status before the pipeline finished");
                }
                return Resolved.text(status.type(), mainStatus.workflowStatus());
            }
        });
    }

    /**
     * The directory holding a constant file, written once per run and content under the run's directory, as
     * Argo's raw artifact is written into the step's pod.
     */
    private synchronized Path inlineFile(Expr.Inline inline, String where) {
        String digest = inline.file().digest();
        Path dir = runDir.resolve("inline").resolve(digest.substring(digest.indexOf(':') + 1));
        Path file = dir.resolve(inline.file().name());
        try {
            if (!Files.isRegularFile(file)) {
                Files.createDirectories(dir);
                Path partial = Files.createTempFile(dir, ".inline", ".partial");
                Files.writeString(partial, inline.file().content(), StandardCharsets.UTF_8);
                Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new ResolveException(where + ": cannot write the constant file " + file + ": " + e.getMessage());
        }
        return dir;
    }

    /** Whether the value side of an orElse is there: its step or loop succeeded, as Argo's compiled test reads it. */
    private static boolean available(Expr expr, Frame frame) {
        return Exprs.availability(expr, node -> {
            NodeResult result = frame.result(node);
            return result != null && result.status() == StepStatus.SUCCEEDED;
        }, true, (value, fallback) -> value || fallback);
    }

    private static Resolved output(NodeResult producer, String port, ValueType<?> type, String where) {
        Path artifact = producer.artifacts().get(port);
        if (artifact != null) {
            return Resolved.artifact(type, artifact, producer.digests().get(port));
        }
        String text = producer.params().get(port);
        if (text == null) {
            throw new ResolveException(where + ": the producer left no such output");
        }
        return Resolved.text(type, text);
    }

    /** Fan-in: the collected value read in each iteration's frame, in item order. */
    private Resolved collect(Expr.Collected collected, Frame frame, String where) {
        NodeResult loop = frame.result(collected.loop());
        if (loop == null) {
            throw new ResolveException(where + " collects from loop '" + collected.loop() + "', which has not run");
        }
        ValueType<?> element = collected.type().elementType();
        List<Object> values = new ArrayList<>();
        for (Frame iteration : loop.iterations()) {
            values.add(ValueCodec.decode(element, resolve(collected.each(), iteration, where).text()));
        }
        return Resolved.text(collected.type(), ValueCodec.encode(collected.type(), values));
    }


    private StepRecord update(String path, UnaryOperator<StepRecord> change) {
        StepRecord changed = steps.compute(path, (k, s) -> change.apply(s));
        dirty.add(path);
        changes.incrementAndGet();
        save();
        options.listener().stepChanged(changed);
        return changed;
    }

    /**
     * Writes the record soon, on the recorder thread. Changes that arrive while a write is pending share it,
     * so a wide fan-out costs a few writes rather than one per change; the record on disk lags by at most
     * one write, and a step whose success was not yet written simply runs again on resume.
     */
    private void save() {
        if (writePending.compareAndSet(false, true)) {
            recorder.execute(() -> {
                writePending.set(false);
                writeNow();
            });
        }
    }

    /** Journals the steps changed since the last write (the whole record is written at the start and end). */
    private synchronized void writeNow() {
        long version = changes.get();
        List<StepRecord> changed = new ArrayList<>();
        for (String path : List.copyOf(dirty)) {
            dirty.remove(path);
            changed.add(steps.get(path));
        }
        store.append(runId, changed);
        written = Math.max(written, version);
    }

    /**
     * Makes sure the record on disk holds every change made so far. Called before a step's code starts, so
     * whatever finished before it is on disk when it runs: a runner killed during the step resumes without
     * redoing them.
     */
    private void flush() {
        long wanted = changes.get();
        synchronized (this) {
            if (written < wanted) {
                writeNow();
            }
        }
    }

    /** Waits for pending writes, so the final record is written after every intermediate one. */
    private void drainRecorder() {
        recorder.shutdown();
        try {
            if (!recorder.awaitTermination(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("writing the run record of " + runId + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the run record of " + runId, e);
        }
    }

    private static String kind(Node node) {
        return node.accept(new Node.Visitor<>() {
            @Override
            public String stepNode(Node.StepNode step) {
                return StepRecord.STEP;
            }

            @Override
            public String loopNode(Node.LoopNode loop) {
                return StepRecord.LOOP;
            }

            @Override
            public String callNode(Node.CallNode call) {
                return StepRecord.CALL;
            }

            @Override
            public String containerNode(Node.ContainerNode container) {
                return StepRecord.STEP;
            }

            @Override
            public String recurseNode(Node.RecurseNode recurse) {
                return StepRecord.CALL;
            }

            @Override
            public String resourceNode(Node.ResourceNode resource) {
                return StepRecord.STEP;
            }
        });
    }

    /** What the node runs: a component's class, or the sub-pipeline it calls; null for a loop. */
    private static String component(Node node) {
        return node.accept(new Node.Visitor<>() {
            @Override
            public String stepNode(Node.StepNode step) {
                return step.component().className();
            }

            @Override
            public String loopNode(Node.LoopNode loop) {
                return null;
            }

            @Override
            public String callNode(Node.CallNode call) {
                return call.pipeline();
            }

            @Override
            public String containerNode(Node.ContainerNode container) {
                return container.component().className();
            }

            @Override
            public String recurseNode(Node.RecurseNode recurse) {
                return recurse.pipeline();
            }

            @Override
            public String resourceNode(Node.ResourceNode resource) {
                return resource.component().className();
            }
        });
    }

    private static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    /** A value a node needs cannot be found; the node ends in Error, as an Argo node with a bad reference. */
    static final class ResolveException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ResolveException(String message) {
            super(message);
        }
    }
}
