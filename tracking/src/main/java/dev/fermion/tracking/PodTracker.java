package dev.fermion.tracking;

import dev.fermion.contract.CacheKey;
import dev.fermion.contract.TrackingEnv;
import dev.fermion.dsl.SourceDataset;
import dev.fermion.tracking.delivery.Delivery;
import dev.fermion.tracking.delivery.MlflowWriter;
import dev.fermion.tracking.delivery.RunRef;
import dev.fermion.tracking.delivery.Spool;
import dev.fermion.tracking.delivery.TrackingOp;
import dev.fermion.tracking.mlflow.Metric;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.MlflowCredentials;
import dev.fermion.tracking.mlflow.Param;
import dev.fermion.tracking.mlflow.RunStatus;
import dev.fermion.tracking.mlflow.Tag;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tracking from inside a workflow's pods, where every step is its own process: each pod finds (or creates)
 * the workflow's parent run by its key {@code argo:<workflow uid>} and records its step as a child run;
 * the exit handler ends the parent run with the workflow's status. Nothing here fails a step: what MLflow
 * does not take is spooled under the Fermion home of the pod.
 */
public final class PodTracker {
    /** Long enough for any path without a long loop item; run names are read in narrow UI columns. */
    private static final int MAX_PATH = 200;

    private final TrackingOptions options;
    private final String experiment;
    private final String workflowName;
    private final String workflowUid;

    private PodTracker(TrackingOptions options, String experiment, String workflowName, String workflowUid) {
        this.options = options;
        this.experiment = experiment;
        this.workflowName = workflowName;
        this.workflowUid = workflowUid;
    }

    /**
     * The tracker the compiler configured through {@code env}, or empty when the workflow was compiled
     * without tracking ({@value TrackingEnv#URI} or {@value TrackingEnv#WORKFLOW_UID} unset).
     *
     * @param pipeline the experiment when {@value TrackingEnv#EXPERIMENT} is unset
     * @throws IllegalArgumentException when {@code env}'s MLflow credentials are incomplete
     */
    public static Optional<PodTracker> fromEnv(Map<String, String> env, String pipeline, Path fermionHome) {
        String uri = env.get(TrackingEnv.URI);
        String uid = env.get(TrackingEnv.WORKFLOW_UID);
        if (blank(uri) || blank(uid)) {
            return Optional.empty();
        }
        // A pod has no project checkout, so no commit to tag runs with.
        TrackingOptions options = TrackingOptions.of(
                        URI.create(uri), MlflowCredentials.fromEnvironment(env), fermionHome)
                .withProjectDir(null);
        String experiment = blank(env.get(TrackingEnv.EXPERIMENT)) ? pipeline : env.get(TrackingEnv.EXPERIMENT);
        String name = blank(env.get(TrackingEnv.WORKFLOW_NAME)) ? uid : env.get(TrackingEnv.WORKFLOW_NAME);
        return Optional.of(new PodTracker(options, experiment, name, uid));
    }

    /** The parent run's key: the workflow uid, which is unique where the name may be reused. */
    public RunRef parent() {
        return new RunRef(experiment, "argo:" + workflowUid);
    }

    /**
     * Opens the child run of one step attempt under the workflow's parent run (creating the parent when
     * this is the first step to track), with the step's parameter inputs as params. A retried step reopens
     * its child run. What follows goes to MLflow in the background while the step runs.
     *
     * @param path the step's path in the run ({@code grid/0.01/trial} in a loop), which names its child run
     * @param inputs the step's parameter inputs as text; they become the child run's params
     */
    public StepRun startStep(String pipeline, String path, String component, Map<String, String> inputs) {
        String step = bounded(path);
        Delivery delivery = delivery(step);
        RunRef parent = parent();
        delivery.submit(startParent(parent, pipeline));
        RunRef child = parent.child(step);
        List<Tag> tags = new ArrayList<>(workflowTags(pipeline));
        tags.add(new Tag("fermion.step", step));
        tags.add(new Tag("fermion.component", component));
        delivery.submit(new TrackingOp.StartRun(child, parent, step, now(), tags));
        List<Param> params = new ArrayList<>();
        inputs.forEach((k, v) -> params.add(new Param(k, v)));
        if (!params.isEmpty()) {
            delivery.submit(new TrackingOp.Log(child, List.of(), params, List.of()));
        }
        return new StepRun(delivery, parent, child, step);
    }

    /**
     * A step's child run while the step runs: each metric is queued as it is reported and sent in batches
     * by the delivery thread, so a long training step's charts grow in the MLflow UI as it trains.
     */
    public final class StepRun {
        private final Delivery delivery;
        private final RunRef parent;
        private final RunRef child;
        private final String step;

        private StepRun(Delivery delivery, RunRef parent, RunRef child, String step) {
            this.delivery = delivery;
            this.parent = parent;
            this.child = child;
            this.step = step;
        }

        /** Never blocks the step: a full queue spools to disk. */
        public void metric(String key, double value, long index, long timestampMillis) {
            delivery.submit(new TrackingOp.Log(
                    child, List.of(new Metric(key, value, timestampMillis, index)), List.of(), List.of()));
        }

        /** A data set the step reports reading from outside the pipeline: the child run's input. */
        public void source(SourceDataset dataset) {
            delivery.submit(new TrackingOp.LogSource(
                    child, dataset.name(), dataset.source(), dataset.digest(), dataset.columns(), dataset.rows()));
        }

        /**
         * Ends the child run with the step's outcome, logging its {@code Model} outputs as models when it
         * succeeded, and waits (bounded) for what is queued to reach MLflow or the spool.
         *
         * @param models the step's {@code Model} outputs by name
         * @return what reached MLflow and what was spooled
         */
        public TrackingSummary finish(Map<String, Path> models, StepOutcome outcome) {
            if (outcome == StepOutcome.SUCCEEDED) {
                // Named by the step's path as a local run names them, so a sweep's models say which trial made them.
                models.forEach((name, dir) -> delivery.submit(new TrackingOp.LogModel(
                        child,
                        name,
                        dir.toAbsolutePath().toString(),
                        List.of(
                                new Tag("fermion.step", step),
                                new Tag("fermion.output", name),
                                new Tag("fermion.run", parent.key())),
                        MlflowTracker.modelName(step, name),
                        null,
                        List.of())));
            }
            delivery.submit(new TrackingOp.EndRun(child, outcome.mlflowStatus(), now()));
            return close(delivery);
        }
    }

    /**
     * Ends the parent run with the workflow's status as Argo reports it ({@code Succeeded}, {@code Failed},
     * {@code Error}); creates the parent first when no step got as far as tracking. Each step of {@code ranIn}
     * that another workflow ran (a memoize hit, which starts no pod) becomes a finished child run tagged
     * {@code fermion.cached} and linked to the run that made its outputs, as a local run records a cache hit.
     *
     * @param ranIn the uid of the workflow that ran each cached step; empty for a step that did not run
     */
    public TrackingSummary finish(String pipeline, String workflowStatus, Map<String, String> ranIn) {
        Delivery delivery = delivery("finish");
        RunRef parent = parent();
        delivery.submit(startParent(parent, pipeline));
        ranIn.forEach((step, uid) -> {
            if (!blank(uid) && !uid.equals(workflowUid)) {
                cacheHit(delivery, parent, pipeline, step, uid);
            }
        });
        delivery.submit(new TrackingOp.MergeDuplicates(parent));
        RunStatus status = "Succeeded".equals(workflowStatus) ? RunStatus.FINISHED : RunStatus.FAILED;
        delivery.submit(new TrackingOp.EndRun(parent, status, now()));
        return close(delivery);
    }

    private void cacheHit(Delivery delivery, RunRef parent, String pipeline, String step, String sourceUid) {
        RunRef child = parent.child(step);
        RunRef source = new RunRef(experiment, "argo:" + sourceUid);
        List<Tag> tags = new ArrayList<>(workflowTags(pipeline));
        tags.add(new Tag("fermion.step", step));
        tags.add(new Tag("fermion.cached", "true"));
        tags.add(new Tag("fermion.cached.sourceRun", source.key()));
        long now = now();
        delivery.submit(new TrackingOp.StartRun(child, parent, step, now, tags));
        delivery.submit(new TrackingOp.LinkRun(child, "fermion.cached.sourceMlflowRun", source.child(step)));
        delivery.submit(new TrackingOp.EndRun(child, RunStatus.FINISHED, now));
    }

    private TrackingOp.StartRun startParent(RunRef parent, String pipeline) {
        return new TrackingOp.StartRun(parent, null, workflowName, now(), workflowTags(pipeline));
    }

    private List<Tag> workflowTags(String pipeline) {
        return List.of(
                new Tag("fermion.pipeline", pipeline),
                new Tag("fermion.run", workflowName),
                new Tag("fermion.version", FermionVersion.get()),
                new Tag("argo.workflow.name", workflowName),
                new Tag("argo.workflow.uid", workflowUid),
                new Tag("mlflow.source.name", pipeline),
                new Tag("mlflow.source.type", "JOB"));
    }

    private Delivery delivery(String what) {
        MlflowWriter writer =
                new MlflowWriter(new MlflowClient(options.trackingUri(), options.credentials(), options.retry()));
        String session = (workflowName + "-" + what).replaceAll("[^A-Za-z0-9._-]", "_");
        return new Delivery(writer, Spool.inHome(options.fermionHome()), session, options.queueCapacity(), false);
    }

    private TrackingSummary close(Delivery delivery) {
        delivery.close(options.closeTimeout());
        return new TrackingSummary(
                null, delivery.spooled(), delivery.rejected(), delivery.spool().dir());
    }

    /**
     * A step path fit for a run name and a key tag: a loop's item is part of its iterations' paths and may be a
     * long record, so a long path keeps its start and ends with a digest of the whole, which tells such paths apart.
     */
    static String bounded(String path) {
        if (path.length() <= MAX_PATH) {
            return path;
        }
        return path.substring(0, MAX_PATH - 17) + "~" + CacheKey.sha256(path).substring(0, 16);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
