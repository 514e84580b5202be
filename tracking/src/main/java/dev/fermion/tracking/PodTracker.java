package dev.fermion.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.tracking.delivery.Delivery;
import dev.fermion.tracking.delivery.MlflowWriter;
import dev.fermion.tracking.delivery.RunRef;
import dev.fermion.tracking.delivery.Spool;
import dev.fermion.tracking.delivery.TrackingOp;
import dev.fermion.tracking.mlflow.Metric;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.Param;
import dev.fermion.tracking.mlflow.RunStatus;
import dev.fermion.tracking.mlflow.Tag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    public static final String URI_ENV = "MLFLOW_TRACKING_URI";
    public static final String TOKEN_ENV = "MLFLOW_TRACKING_TOKEN";
    public static final String EXPERIMENT_ENV = "MLFLOW_EXPERIMENT_NAME";
    public static final String WORKFLOW_NAME_ENV = "FERMION_WORKFLOW_NAME";
    public static final String WORKFLOW_UID_ENV = "FERMION_WORKFLOW_UID";
    private static final ObjectMapper JSON = new ObjectMapper();

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
     * without tracking ({@value #URI_ENV} or {@value #WORKFLOW_UID_ENV} unset).
     *
     * @param pipeline the experiment when {@value #EXPERIMENT_ENV} is unset
     */
    public static Optional<PodTracker> fromEnv(Map<String, String> env, String pipeline, Path fermionHome) {
        String uri = env.get(URI_ENV);
        String uid = env.get(WORKFLOW_UID_ENV);
        if (blank(uri) || blank(uid)) {
            return Optional.empty();
        }
        TrackingOptions defaults = TrackingOptions.of(URI.create(uri), fermionHome);
        TrackingOptions options = new TrackingOptions(defaults.trackingUri(), env.get(TOKEN_ENV), fermionHome,
                false, defaults.queueCapacity(), defaults.closeTimeout(), defaults.retry(), null);
        String experiment = blank(env.get(EXPERIMENT_ENV)) ? pipeline : env.get(EXPERIMENT_ENV);
        String name = blank(env.get(WORKFLOW_NAME_ENV)) ? uid : env.get(WORKFLOW_NAME_ENV);
        return Optional.of(new PodTracker(options, experiment, name, uid));
    }

    /** The parent run's key: the workflow uid, which is unique where the name may be reused. */
    public RunRef parent() {
        return new RunRef(experiment, "argo:" + workflowUid);
    }

    /**
     * Records one finished step attempt as a child run of the workflow's parent run.
     *
     * @param inputs      the step's parameter inputs as text; they become the child run's params
     * @param metricsFile the step's metrics, one JSON object ({@code key}, {@code value}, {@code step},
     *                    {@code timestamp}) a line; may be missing
     * @param models      the step's {@code Model} outputs by name; logged as models when the step succeeded
     * @return what reached MLflow and what was spooled
     */
    public TrackingSummary trackStep(String pipeline, String step, String component, Map<String, String> inputs,
                                     Path metricsFile, Map<String, Path> models, StepOutcome outcome) {
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
        List<Metric> metrics = metrics(metricsFile);
        if (!params.isEmpty() || !metrics.isEmpty()) {
            delivery.submit(new TrackingOp.Log(child, metrics, params, List.of()));
        }
        if (outcome == StepOutcome.SUCCEEDED) {
            models.forEach((name, dir) -> delivery.submit(new TrackingOp.LogModel(child, name,
                    dir.toAbsolutePath().toString(), List.of(new Tag("fermion.step", step),
                    new Tag("fermion.output", name), new Tag("fermion.run", parent.key())))));
        }
        delivery.submit(new TrackingOp.EndRun(child, outcome.mlflowStatus(), now()));
        return close(delivery);
    }

    /**
     * Ends the parent run with the workflow's status as Argo reports it ({@code Succeeded}, {@code Failed},
     * {@code Error}); creates the parent first when no step got as far as tracking.
     */
    public TrackingSummary finish(String pipeline, String workflowStatus) {
        Delivery delivery = delivery("finish");
        RunRef parent = parent();
        delivery.submit(startParent(parent, pipeline));
        delivery.submit(new TrackingOp.MergeDuplicates(parent));
        RunStatus status = "Succeeded".equals(workflowStatus) ? RunStatus.FINISHED : RunStatus.FAILED;
        delivery.submit(new TrackingOp.EndRun(parent, status, now()));
        return close(delivery);
    }

    private TrackingOp.StartRun startParent(RunRef parent, String pipeline) {
        return new TrackingOp.StartRun(parent, null, workflowName, now(), workflowTags(pipeline));
    }

    private List<Tag> workflowTags(String pipeline) {
        return List.of(new Tag("fermion.pipeline", pipeline), new Tag("fermion.run", workflowName),
                new Tag("fermion.version", FermionVersion.get()), new Tag("argo.workflow.name", workflowName),
                new Tag("argo.workflow.uid", workflowUid), new Tag("mlflow.source.name", pipeline),
                new Tag("mlflow.source.type", "JOB"));
    }

    private Delivery delivery(String what) {
        MlflowWriter writer = new MlflowWriter(new MlflowClient(options.trackingUri(), options.token(), options.retry()));
        String session = (workflowName + "-" + what).replaceAll("[^A-Za-z0-9._-]", "_");
        return new Delivery(writer, Spool.inHome(options.fermionHome()), session, options.queueCapacity(), false);
    }

    private TrackingSummary close(Delivery delivery) {
        delivery.close(options.closeTimeout());
        return new TrackingSummary(null, delivery.spooled(), delivery.rejected(), delivery.spool().dir());
    }

    private static List<Metric> metrics(Path file) {
        List<Metric> out = new ArrayList<>();
        if (file == null || !Files.isRegularFile(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode m = JSON.readTree(line);
                out.add(new Metric(m.path("key").asText(), m.path("value").asDouble(),
                        m.path("timestamp").asLong(now()), m.path("step").asLong(0)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the step's metrics " + file, e);
        }
        return out;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
