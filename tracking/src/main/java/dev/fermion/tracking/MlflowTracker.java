package dev.fermion.tracking;

import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Plan;
import dev.fermion.plan.ResultSpec;
import dev.fermion.tracking.delivery.DatasetRef;
import dev.fermion.tracking.delivery.Delivery;
import dev.fermion.tracking.delivery.MlflowWriter;
import dev.fermion.tracking.delivery.RunRef;
import dev.fermion.tracking.delivery.Spool;
import dev.fermion.tracking.delivery.TrackingOp;
import dev.fermion.tracking.mlflow.LoggedModel;
import dev.fermion.tracking.mlflow.Metric;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.Param;
import dev.fermion.tracking.mlflow.RunInfo;
import dev.fermion.tracking.mlflow.Tag;
import dev.fermion.types.Dataset;
import dev.fermion.types.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Records a pipeline run in MLflow: the run is an MLflow run in the pipeline's experiment, each step a
 * child run (tag {@code mlflow.parentRunId}) named after its path, with the step's inputs as params, its
 * metrics, its output artifacts, and its {@code Model} outputs as MLflow 3 logged models.
 *
 * <p>Kept in one class, though long, because it is the one implementation of {@link PipelineTracker}'s
 * callbacks, whose order (run, steps, metrics, models, finish) is the contract; the MLflow wire format lives
 * in {@code mlflow/}, spooling in {@code Spool}, and what stays here is the mapping of each callback.
 */
public final class MlflowTracker implements PipelineTracker {
    // MLflow refuses longer param values; a cut that is the same every time keeps a replay exact.
    private static final int MAX_PARAM_LENGTH = 6000;
    private static final int MAX_TAG_LENGTH = 8000;
    private static final String TRUNCATED = "...[truncated]";

    private final TrackingOptions options;
    private final MlflowWriter writer;
    private final Map<String, RunRef> steps = new LinkedHashMap<>();
    private final List<String> models = new ArrayList<>();
    /** The content digests of every model this run's steps made or reused, listed on the parent run at the end. */
    private final java.util.Set<String> modelDigests = new java.util.LinkedHashSet<>();
    /** Per step, its parameter inputs (a model's params) and the digest of the model it evaluates, if any. */
    private final Map<String, Map<String, String>> stepInputs = new LinkedHashMap<>();

    private final Map<String, String> evaluated = new LinkedHashMap<>();
    /** The content digest of each model a step output, made or reused, by "step/output". */
    private final Map<String, String> outputDigests = new LinkedHashMap<>();
    /** The keys of the metrics each step reported while it ran, by path. */
    private final Map<String, Set<String>> seriesKeys = new HashMap<>();
    /**
     * Steps reported as reused, by path: their runs are started only when they finish, at the start of the
     * attempt that made their results, and then get these params and data sets.
     */
    private final Map<String, Reused> reusedSteps = new LinkedHashMap<>();

    private record Reused(ComponentSpec component, List<TrackingOp> logs) {}

    /** How each step ended, for the run's pipeline graph. */
    private final Map<String, PipelineGraph.State> states = new LinkedHashMap<>();
    /** The artifact of the parent run that pictures the pipeline and how its steps ended. */
    static final String GRAPH = "pipeline-graph.svg";

    private volatile Plan plan;
    private final List<Tag> commonTags = new ArrayList<>();
    private volatile Delivery delivery;
    private volatile RunRef pipeline;
    /** The shared view of the experiment's runs table with the pipeline's numeric results as columns, or null. */
    private volatile String resultsView;
    /** This runner process's tracking session: a resumed run is a new session of the same Fermion run. */
    private volatile String session;

    public MlflowTracker(TrackingOptions options) {
        this.options = options;
        this.writer = new MlflowWriter(new MlflowClient(options.trackingUri(), options.credentials(), options.retry()));
    }

    /**
     * Sends everything spooled under the options' Fermion home by earlier runs, e.g. after MLflow was down;
     * what still cannot be sent stays for the next sync.
     */
    public static Spool.ReplayResult sync(TrackingOptions options) {
        MlflowClient client = new MlflowClient(options.trackingUri(), options.credentials(), options.retry());
        return Spool.inHome(options.fermionHome()).replay(new MlflowWriter(client));
    }

    @Override
    public void runStarted(Plan plan, String runId, Map<String, String> params) {
        String experiment = plan.experiment() == null || plan.experiment().isBlank() ? plan.name() : plan.experiment();
        pipeline = new RunRef(experiment, runId);
        this.plan = plan;
        session = safe(runId) + "-" + UUID.randomUUID().toString().substring(0, 8);
        delivery = new Delivery(
                writer, Spool.inHome(options.fermionHome()), session, options.queueCapacity(), options.strict());
        commonTags.add(new Tag("fermion.pipeline", plan.name()));
        if (plan.version() != null) {
            commonTags.add(new Tag("fermion.pipeline.version", plan.version()));
        }
        commonTags.add(new Tag("fermion.run", runId));
        commonTags.add(new Tag("fermion.version", FermionVersion.get()));
        commonTags.add(new Tag("mlflow.user", System.getProperty("user.name", "")));
        commonTags.add(new Tag("mlflow.source.name", plan.name()));
        commonTags.add(new Tag("mlflow.source.type", "JOB"));
        GitCommit.of(options.projectDir()).ifPresent(c -> commonTags.add(new Tag("mlflow.source.git.commit", c)));

        List<Tag> tags = new ArrayList<>(commonTags);
        if (plan.description() != null && !plan.description().isBlank()) {
            tags.add(new Tag("mlflow.note.content", cut(plan.description(), MAX_TAG_LENGTH)));
        }
        delivery.submit(new TrackingOp.StartRun(pipeline, null, plan.name() + "-" + runId, now(), tags));
        if (!params.isEmpty()) {
            delivery.submit(new TrackingOp.Log(pipeline, List.of(), params(params), List.of()));
        }
        List<String> numeric = plan.results().stream()
                .filter(r -> Number.class.isAssignableFrom(r.value().type().rawType()))
                .map(ResultSpec::name)
                .toList();
        if (!numeric.isEmpty()) {
            resultsView = "fermion-" + safe(plan.name());
            delivery.submit(new TrackingOp.ShareResultsView(pipeline, resultsView, numeric));
        }
        if (options.strict()) {
            // A strict run should fail before its first step when MLflow cannot be reached at all.
            delivery.flush(options.closeTimeout());
        }
        checkStrict();
    }

    @Override
    public void stepStarted(
            String step,
            ComponentSpec component,
            Map<String, String> inputs,
            List<StepArtifact> artifacts,
            boolean reused) {
        RunRef ref = pipeline.child(step);
        Map<String, String> values = new LinkedHashMap<>(inputs);
        List<DatasetRef> datasets = new ArrayList<>();
        List<String> modelInputs = new ArrayList<>();
        for (StepArtifact a : artifacts) {
            values.put(
                    a.name(),
                    a.digest() != null ? a.digest() : a.artifact().path().toString());
            if (a.artifact() instanceof Dataset) {
                datasets.add(new DatasetRef(
                        a.name(), a.artifact().path().toAbsolutePath().toString(), a.digest(), "input"));
            } else if (a.artifact() instanceof Model && a.digest() != null) {
                modelInputs.add(a.digest());
            }
        }
        synchronized (steps) {
            stepInputs.put(step, Map.copyOf(inputs));
            // A step that takes one model and makes none evaluates it: its metrics are that model's too.
            boolean makesModels = component != null
                    && component.outputs().stream()
                            .anyMatch(o -> Model.class.isAssignableFrom(o.type().rawType()));
            if (modelInputs.size() == 1 && !makesModels) {
                evaluated.put(step, modelInputs.get(0));
            }
        }
        List<TrackingOp> logs = new ArrayList<>();
        if (!values.isEmpty()) {
            logs.add(new TrackingOp.Log(ref, List.of(), params(values), List.of()));
        }
        if (!datasets.isEmpty()) {
            logs.add(new TrackingOp.LogDatasets(ref, datasets));
        }
        if (reused) {
            // Not run now: when it finishes, its times say when the attempt that made its results ran, which
            // for a step kept from the run being resumed was in an earlier session.
            synchronized (steps) {
                reusedSteps.put(step, new Reused(component, logs));
            }
        } else {
            // A step that runs in this session supersedes a run left from an earlier session of a resumed run.
            start(step, component, true, now());
            logs.forEach(delivery::submit);
        }
        checkStrict();
    }

    @Override
    public void stepSource(String step, dev.fermion.dsl.SourceDataset dataset) {
        delivery.submit(new TrackingOp.LogSource(
                stepRef(step), dataset.name(), dataset.source(), dataset.digest(), dataset.columns(), dataset.rows()));
        checkStrict();
    }

    @Override
    public void stepMetric(String step, String key, double value, long index, long timestampMillis) {
        Metric metric = new Metric(key, value, timestampMillis, index);
        RunRef ref = stepRef(step);
        delivery.submit(new TrackingOp.Log(ref, List.of(metric), List.of(), List.of()));
        String model;
        synchronized (steps) {
            model = evaluated.get(step);
            seriesKeys.computeIfAbsent(step, k -> new HashSet<>()).add(key);
        }
        if (model != null) {
            delivery.submit(new TrackingOp.LogModelMetrics(ref, model, List.of(metric)));
        }
        checkStrict();
    }

    @Override
    public void stepFinished(
            String step,
            StepOutcome outcome,
            Map<String, String> outputs,
            List<StepArtifact> artifacts,
            boolean cached,
            String sourceRunId,
            long startMillis,
            long endMillis) {
        RunRef ref;
        Reused kept;
        synchronized (steps) {
            ref = steps.get(step);
            kept = reusedSteps.remove(step);
        }
        if (ref == null) {
            // Cached, skipped and resumed steps are tracked only when they finish; a step kept from the run being
            // resumed keeps the run an earlier session made for it, or gets one started when that session ran it.
            ref = start(step, kept == null ? null : kept.component(), false, startMillis);
            if (kept != null) {
                kept.logs().forEach(delivery::submit);
            }
        }
        synchronized (steps) {
            states.put(step, PipelineGraph.state(outcome, cached));
        }
        List<Tag> tags = new ArrayList<>();
        tags.add(new Tag("fermion.cached", Boolean.toString(cached)));
        outputs.forEach((k, v) -> tags.add(new Tag("fermion.output." + k, cut(v, MAX_TAG_LENGTH))));
        if (cached && sourceRunId != null) {
            tags.add(new Tag("fermion.cached.sourceRun", sourceRunId));
        }
        delivery.submit(new TrackingOp.Log(ref, List.of(), List.of(), tags));
        // A result reused from this very run came from another step (the sweep's train-best from its best trial),
        // whose path the runner does not report: the step's own run would be no link at all.
        if (cached && sourceRunId != null && !sourceRunId.equals(pipeline.key())) {
            delivery.submit(new TrackingOp.LinkRun(
                    ref, "fermion.cached.sourceMlflowRun", new RunRef(pipeline.experiment(), sourceRunId).child(step)));
        }
        if (outcome == StepOutcome.SUCCEEDED) {
            for (StepArtifact a : artifacts) {
                if (a.artifact() instanceof Model && a.digest() != null) {
                    synchronized (models) {
                        modelDigests.add(a.digest());
                    }
                    synchronized (steps) {
                        outputDigests.put(step + "/" + a.name(), a.digest());
                    }
                }
            }
        }
        if (cached && outcome == StepOutcome.SUCCEEDED) {
            // The step made no model of its own: its run lists the model it reused, logged by an earlier run.
            for (StepArtifact a : artifacts) {
                if (a.artifact() instanceof Model && a.digest() != null) {
                    delivery.submit(new TrackingOp.LinkModel(ref, a.digest()));
                }
            }
        }
        if (!cached && outcome == StepOutcome.SUCCEEDED) {
            Map<String, String> inputs;
            synchronized (steps) {
                inputs = stepInputs.getOrDefault(step, Map.of());
            }
            List<StepArtifact> made = artifacts.stream()
                    .filter(a -> a.artifact() instanceof Model)
                    .toList();
            for (StepArtifact a : artifacts) {
                if (a.artifact() instanceof Model) {
                    List<Tag> modelTags = List.of(
                            new Tag("fermion.step", step),
                            new Tag("fermion.output", a.name()),
                            new Tag("fermion.run", pipeline.key()));
                    delivery.submit(new TrackingOp.LogModel(
                            ref,
                            a.name(),
                            a.artifact().path().toAbsolutePath().toString(),
                            modelTags,
                            modelName(step, a.name()),
                            a.digest(),
                            params(inputs)));
                    synchronized (models) {
                        models.add(step + "/" + a.name());
                    }
                } else {
                    delivery.submit(new TrackingOp.UploadArtifacts(
                            ref, a.name(), a.artifact().path().toAbsolutePath().toString()));
                }
            }
            if (made.size() == 1 && made.get(0).digest() != null) {
                // A step's numeric results (a training's best validation loss) describe the one model it made, so
                // they are that model's metrics too: the Models tab ranks a sweep's trials without an evaluation.
                // MLflow adds a model's metric to its run's history as well, so a result named like a series the
                // step reported while it ran is left out: one more point would bend that series' curve.
                Set<String> series;
                synchronized (steps) {
                    series = seriesKeys.getOrDefault(step, Set.of());
                }
                long at = now();
                List<Metric> results = new ArrayList<>();
                outputs.forEach((k, v) -> {
                    if (!series.contains(k)) {
                        number(v).ifPresent(n -> results.add(new Metric(k, n, at, 0)));
                    }
                });
                if (!results.isEmpty()) {
                    delivery.submit(
                            new TrackingOp.LogModelMetrics(ref, made.get(0).digest(), results));
                }
            }
        }
        delivery.submit(new TrackingOp.EndRun(ref, outcome.mlflowStatus(), endMillis));
        checkStrict();
    }

    @Override
    public void registerModel(String step, String output, String registeredName, String alias) {
        String digest;
        synchronized (steps) {
            digest = outputDigests.get(step + "/" + output);
        }
        delivery.submit(new TrackingOp.RegisterModel(stepRef(step), output, registeredName, alias, digest, pipeline));
        checkStrict();
    }

    @Override
    public boolean flush(Duration timeout) {
        boolean done = delivery.flush(timeout);
        checkStrict();
        return done;
    }

    @Override
    public TrackingSummary runFinished(StepOutcome outcome, Map<String, String> results) {
        List<Metric> metrics = new ArrayList<>();
        List<Tag> tags = new ArrayList<>();
        long at = now();
        results.forEach((name, value) -> {
            tags.add(new Tag("fermion.result." + name, cut(value, MAX_TAG_LENGTH)));
            number(value).ifPresent(n -> metrics.add(new Metric(name, n, at, 0)));
        });
        if (!results.isEmpty()) {
            // The pipeline's headline numbers on the parent run, so the experiment's runs table compares runs by them.
            delivery.submit(new TrackingOp.Log(pipeline, metrics, List.of(), tags));
        }
        List<String> digests;
        synchronized (models) {
            digests = List.copyOf(modelDigests);
        }
        digests.forEach(digest -> delivery.submit(new TrackingOp.LinkModel(pipeline, digest)));
        graph().ifPresent(dir -> delivery.submit(new TrackingOp.UploadArtifacts(pipeline, "", dir.toString())));
        delivery.submit(new TrackingOp.EndRun(pipeline, outcome.mlflowStatus(), now()));
        delivery.close(options.closeTimeout());
        checkStrict();
        return new TrackingSummary(
                uiLinks(),
                delivery.spooled(),
                delivery.rejected(),
                delivery.spool().dir());
    }

    @Override
    public UiLinks uiLinks() {
        MlflowClient client = writer.client();
        Optional<RunInfo> run = writer.knownRun(pipeline);
        String experimentUrl = run.map(r -> client.experimentUrl(r.experimentId(), resultsView))
                .orElse(null);
        Map<String, String> stepLinks = new LinkedHashMap<>();
        synchronized (steps) {
            steps.forEach((name, ref) -> writer.knownRun(ref)
                    .ifPresent(r -> stepLinks.put(name, client.runUrl(r.experimentId(), r.runId()))));
        }
        Map<String, String> modelLinks = new LinkedHashMap<>();
        Map<String, LoggedModel> known = writer.knownModels();
        synchronized (models) {
            for (String m : models) {
                LoggedModel model = known.get(pipeline.key() + "/" + m);
                if (model != null) {
                    modelLinks.put(m, client.loggedModelUrl(model.experimentId(), model.modelId()));
                }
            }
        }
        return new UiLinks(
                experimentUrl,
                run.map(r -> client.runUrl(r.experimentId(), r.runId())).orElse(null),
                stepLinks,
                modelLinks);
    }

    private RunRef start(String step, ComponentSpec component, boolean supersede, long startTime) {
        RunRef ref = pipeline.child(step);
        synchronized (steps) {
            steps.put(step, ref);
        }
        List<Tag> tags = new ArrayList<>(commonTags);
        tags.add(new Tag("fermion.step", step));
        if (component != null) {
            tags.add(new Tag("fermion.component", component.className()));
            if (component.version() != null) {
                tags.add(new Tag("fermion.component.version", component.version()));
            }
        }
        delivery.submit(new TrackingOp.StartRun(ref, pipeline, step, startTime, tags, session, supersede));
        return ref;
    }

    /**
     * The run's pipeline graph, coloured by how each step ended ({@value #GRAPH}), in a directory of the
     * Fermion home that outlives the run, since the upload may wait in the spool; empty if it cannot be written.
     */
    private Optional<Path> graph() {
        Map<String, PipelineGraph.State> ended;
        synchronized (steps) {
            ended = Map.copyOf(states);
        }
        Path dir = options.fermionHome().resolve("tracking").resolve("graphs").resolve(safe(pipeline.key()));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(GRAPH), PipelineGraph.svg(plan, ended), StandardCharsets.UTF_8);
            return Optional.of(dir);
        } catch (IOException e) {
            // The graph is a picture of the run; the run's tracking goes on without it.
            return Optional.empty();
        }
    }

    /**
     * A logged model's name: the step that made it (its path, a loop's iteration included, so a sweep's models
     * say which trial they come from), then the output when a step makes more than a "model". MLflow refuses a
     * name with any of {@code / : . % " '}, and a pod's path holds its loop item ({@code grid/0.01/trial}): a
     * dot becomes {@code _} ({@code grid-0_01-trial}), the others {@code -}.
     */
    static String modelName(String step, String output) {
        String name = step.replace('.', '_').replaceAll("[/:%\"']", "-");
        return output.equals("model") ? name : name + "-" + output;
    }

    /** A finite number written as a value, for a result that can be a metric. */
    private static Optional<Double> number(String value) {
        try {
            double n = Double.parseDouble(value.trim());
            return Double.isFinite(n) ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private RunRef stepRef(String step) {
        synchronized (steps) {
            RunRef ref = steps.get(step);
            if (ref == null) {
                throw new IllegalStateException("step " + step + " was not reported as started");
            }
            return ref;
        }
    }

    private void checkStrict() {
        RuntimeException failure = delivery.failure();
        if (failure != null) {
            throw new TrackingException("MLflow tracking failed (strict mode): " + failure.getMessage(), failure);
        }
    }

    private static List<Param> params(Map<String, String> values) {
        List<Param> out = new ArrayList<>();
        values.forEach((k, v) -> out.add(new Param(k, cut(v == null ? "" : v, MAX_PARAM_LENGTH))));
        return out;
    }

    private static String cut(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max - TRUNCATED.length()) + TRUNCATED;
    }

    private static String safe(String text) {
        return text.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
