package dev.fermion.runtime.local;

import dev.fermion.contract.CacheKey;
import dev.fermion.contract.CodeDigest;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Node;
import dev.fermion.runtime.container.ContainerCacheKey;
import dev.fermion.runtime.container.ContainerSetupException;
import dev.fermion.runtime.container.ResourceStepResult;
import dev.fermion.runtime.launch.Artifacts;
import dev.fermion.runtime.launch.StepBody;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;

/**
 * The nodes that are steps of their own (Java, container and Kubernetes-resource steps): each gets its cache
 * key and what runs one attempt of it, then the handling they share: the resumed run's result or the cache's
 * when either has one, else its attempts, whose result goes to the cache.
 */
final class Steps {
    /** The cache key's entry for an image known at run time: the name the compiler gives the step's image input. */
    private static final String IMAGE_KEY = "fermion-image";

    private final String pipeline;
    private final RunOptions options;
    private final ExternalSteps external;
    private final ExecutorService pool;
    private final RunJournal journal;
    private final Completion completion;
    private final ValueResolver values;
    private final StepReuse reuse;
    private final RetryLoop retries;
    private final StepLaunch launch;
    private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();

    Steps(
            String pipeline,
            RunOptions options,
            ExternalSteps external,
            ExecutorService pool,
            RunJournal journal,
            Completion completion,
            ValueResolver values,
            StepReuse reuse,
            RetryLoop retries,
            StepLaunch launch) {
        this.pipeline = pipeline;
        this.options = options;
        this.external = external;
        this.pool = pool;
        this.journal = journal;
        this.completion = completion;
        this.values = values;
        this.reuse = reuse;
        this.retries = retries;
        this.launch = launch;
    }

    CompletableFuture<NodeResult> runStep(Node.StepNode declared, Frame frame, String path) {
        Inputs inputs = values.inputs(declared.bindings(), frame, path);
        // An image given as a value is known now: the step runs in it (with --isolation container). Unlike a tool's,
        // it is not part of the cache key: a Java step is its component's code, as in the memoize key on Argo.
        Node.StepNode node = declared.options().imageFrom() == null
                ? declared
                : declared.withOptions(declared.options()
                        .withResolvedImage(values.resolve(declared.options().imageFrom(), frame, path + " image")
                                .text()));
        Class<?> type = componentClass(node.component(), path);
        StepBody replacement = options.replacements().get(node.name());
        boolean digest = node.component().readsSources()
                && replacement == null
                && options.cache()
                && node.options().cachingEnabled();
        CompletableFuture<StepLaunch.SourceDigest> source = digest
                ? CompletableFuture.supplyAsync(() -> launch.digestSources(node, path, inputs), pool)
                : CompletableFuture.completedFuture(StepLaunch.SourceDigest.NONE);
        return source.thenCompose(sources -> {
            if (sources.failure() != null) {
                AttemptRecord failure = sources.failure();
                return CompletableFuture.completedFuture(completion.finish(
                        frame,
                        node.name(),
                        NodeResult.of(failure.status(), failure.message()),
                        s -> s.withAttempts(List.of(failure))));
            }
            String key = CacheKey.compute(
                    node.component().className(),
                    node.component().version(),
                    CodeDigest.of(type),
                    inputs.params(),
                    inputs.digests(),
                    sources.digest());
            return runAttempts(
                    new StepRun(
                            node.name(),
                            path,
                            node.component(),
                            node.options(),
                            inputs,
                            key,
                            replacement != null,
                            (run, dir, log, retry) -> launch.launch(run, dir, log, retry, replacement),
                            reuse.prior(path)),
                    frame);
        });
    }

    CompletableFuture<NodeResult> runContainer(Node.ContainerNode declared, Frame frame, String path) {
        Inputs inputs = values.inputs(declared.bindings(), frame, path);
        Node.ContainerNode node = declared;
        Map<String, String> keyParams = inputs.params();
        if (declared.options().imageFrom() != null) {
            // The image is known now: the step runs it, and it is part of the cache key, as on Argo.
            String image = values.resolve(declared.options().imageFrom(), frame, path + " image")
                    .text();
            node = new Node.ContainerNode(
                    declared.name(),
                    declared.component(),
                    declared.container(),
                    declared.bindings(),
                    declared.options().withResolvedImage(image),
                    declared.dependencies(),
                    declared.when());
            keyParams = new TreeMap<>(inputs.params());
            keyParams.put(IMAGE_KEY, image);
        }
        Node.ContainerNode resolved = node;
        String key = ContainerCacheKey.of(node, keyParams, inputs.digests());
        StepBody replacement = options.replacements().get(node.name());
        StepRun.AttemptBody body = replacement != null
                ? (run, dir, log, retry) -> launch.launch(run, dir, log, retry, replacement)
                : (run, dir, log, retry) -> launch.runInContainer(run, dir, log, resolved);
        return runAttempts(
                new StepRun(
                        node.name(),
                        path,
                        node.component(),
                        node.options(),
                        inputs,
                        key,
                        replacement != null,
                        body,
                        reuse.prior(path)),
                frame);
    }

    /**
     * A Kubernetes-resource step: applied through the cluster client, never cached (its effect is the
     * cluster's). A test double in its place runs like a Java step's, and needs no cluster.
     */
    CompletableFuture<NodeResult> runResource(Node.ResourceNode node, Frame frame, String path) {
        StepBody replacement = options.replacements().get(node.name());
        if (replacement != null) {
            Inputs inputs = values.inputs(node.bindings(), frame, path);
            String key = CacheKey.compute(
                    node.component().className(),
                    node.component().version(),
                    "test-double",
                    inputs.params(),
                    inputs.digests());
            return runAttempts(
                    new StepRun(
                            node.name(),
                            path,
                            node.component(),
                            node.options(),
                            inputs,
                            key,
                            true,
                            (run, dir, log, retry) -> launch.launch(run, dir, log, retry, replacement),
                            reuse.prior(path)),
                    frame);
        }
        Map<String, String> inputs = values.inputs(node.bindings(), frame, path).params();
        completion.runs(path, node.component());
        options.listener().stepStarted(path, node.component(), Map.copyOf(inputs), List.of(), false);
        journal.started(path);
        return CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                ResourceStepResult result = external.resources().run(pipeline, node, inputs);
                                return result.succeeded()
                                        ? new NodeResult(
                                                StepStatus.SUCCEEDED,
                                                result.params(),
                                                Map.of(),
                                                Map.of(),
                                                List.of(),
                                                result.message())
                                        : NodeResult.of(StepStatus.FAILED, result.message());
                            } catch (ContainerSetupException e) {
                                return NodeResult.of(StepStatus.ERROR, e.getMessage());
                            }
                        },
                        pool)
                .thenApply(result -> completion.finish(frame, node.name(), result, UnaryOperator.identity()));
    }

    /** The cache, resume and retry handling every step kind shares; {@code run.body} runs one attempt. */
    private CompletableFuture<NodeResult> runAttempts(StepRun run, Frame frame) {
        String path = run.path;
        ComponentSpec component = run.component;
        journal.update(path, s -> s.withCacheKey(run.key));
        completion.runs(path, component);
        List<PortArtifact> inputArtifacts = new ArrayList<>();
        run.inputs
                .artifacts()
                .forEach((name, value) -> inputArtifacts.add(
                        new PortArtifact(name, Artifacts.of(value.type(), value.artifact()), value.digest())));
        Map<String, String> params = Map.copyOf(run.inputs.params());
        Optional<NodeResult> restored = reuse.restore(path, run.key, component);
        if (restored.isPresent()) {
            options.listener().stepStarted(path, component, params, List.copyOf(inputArtifacts), true);
            // Its record stays as the resumed run left it, times included.
            StepRecord prior = reuse.prior(path);
            return CompletableFuture.completedFuture(completion.finish(
                    frame,
                    run.name,
                    restored.get(),
                    s -> s.withAttempts(prior.attempts())
                            .withResults(s.outputs(), s.artifacts(), s.digests(), prior.cacheHit(), true)
                            .timedAs(prior)));
        }
        boolean useCache = reuse.caches(run);
        if (useCache) {
            Optional<StepReuse.CacheHit> hit = reuse.cached(run);
            if (hit.isPresent()) {
                options.listener().stepStarted(path, component, params, List.copyOf(inputArtifacts), true);
                return CompletableFuture.completedFuture(completion.finish(
                        frame,
                        run.name,
                        hit.get().result(),
                        s -> s.withResults(s.outputs(), s.artifacts(), s.digests(), true, false),
                        hit.get().runId()));
            }
        }
        options.listener().stepStarted(path, component, params, List.copyOf(inputArtifacts), false);
        return retries.attempt(run, 1).thenApply(outcome -> {
            if (!outcome.ok()) {
                return completion.finish(
                        frame, run.name, NodeResult.of(outcome.status(), outcome.message()), UnaryOperator.identity());
            }
            NodeResult result = useCache ? reuse.store(run, run.produced) : run.produced;
            return completion.finish(frame, run.name, result, UnaryOperator.identity());
        });
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
}
