package dev.fermion.tracking.delivery;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.fermion.tracking.mlflow.Metric;
import dev.fermion.tracking.mlflow.Param;
import dev.fermion.tracking.mlflow.RunStatus;
import dev.fermion.tracking.mlflow.Tag;
import java.util.List;
import java.util.Map;

/**
 * One thing to record in MLflow. Operations are values so they can wait in the delivery queue, be written
 * to the spool as JSON lines and be replayed later; every one is safe to apply twice.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TrackingOp.StartRun.class, name = "start-run"),
    @JsonSubTypes.Type(value = TrackingOp.Log.class, name = "log"),
    @JsonSubTypes.Type(value = TrackingOp.LinkRun.class, name = "link-run"),
    @JsonSubTypes.Type(value = TrackingOp.LogDatasets.class, name = "log-datasets"),
    @JsonSubTypes.Type(value = TrackingOp.UploadArtifacts.class, name = "upload-artifacts"),
    @JsonSubTypes.Type(value = TrackingOp.LogModel.class, name = "log-model"),
    @JsonSubTypes.Type(value = TrackingOp.LinkModel.class, name = "link-model"),
    @JsonSubTypes.Type(value = TrackingOp.LogSource.class, name = "log-source"),
    @JsonSubTypes.Type(value = TrackingOp.LogModelMetrics.class, name = "log-model-metrics"),
    @JsonSubTypes.Type(value = TrackingOp.RegisterModel.class, name = "register-model"),
    @JsonSubTypes.Type(value = TrackingOp.MergeDuplicates.class, name = "merge-duplicates"),
    @JsonSubTypes.Type(value = TrackingOp.ShareResultsView.class, name = "share-results-view"),
    @JsonSubTypes.Type(value = TrackingOp.EndRun.class, name = "end-run")
})
public sealed interface TrackingOp {

    RunRef run();

    void applyTo(MlflowWriter writer);

    /**
     * Replay applies operations phase by phase (runs first, terminal states last) so a run exists before
     * data is logged to it, whatever order failures put them in the spool.
     */
    int replayPhase();

    /**
     * Creates the run unless a run with its key exists; {@code parent} null for a top-level run.
     * {@code supersede}: the step starts anew in this session (a resumed run runs it again), so a run with its
     * key from an earlier session ({@code session}) is kept as history and a new one is created, which starts
     * when the step really starts.
     */
    record StartRun(
            RunRef run, RunRef parent, String name, long startTime, List<Tag> tags, String session, boolean supersede)
            implements TrackingOp {
        public StartRun {
            tags = List.copyOf(tags);
        }

        public StartRun(RunRef run, RunRef parent, String name, long startTime, List<Tag> tags) {
            this(run, parent, name, startTime, tags, null, false);
        }

        @Override
        public void applyTo(MlflowWriter writer) {
            writer.startRun(this);
        }

        @Override
        public int replayPhase() {
            return parent == null ? 0 : 1;
        }
    }

    record Log(RunRef run, List<Metric> metrics, List<Param> params, List<Tag> tags) implements TrackingOp {
        public Log {
            metrics = List.copyOf(metrics);
            params = List.copyOf(params);
            tags = List.copyOf(tags);
        }

        @Override
        public void applyTo(MlflowWriter writer) {
            writer.log(this);
        }

        @Override
        public int replayPhase() {
            return 2;
        }
    }

    /** Sets tag {@code tag} to the MLflow run id of {@code target}, when that run was tracked. */
    record LinkRun(RunRef run, String tag, RunRef target) implements TrackingOp {
        @Override
        public void applyTo(MlflowWriter writer) {
            writer.linkRun(this);
        }

        @Override
        public int replayPhase() {
            return 2;
        }
    }

    record LogDatasets(RunRef run, List<DatasetRef> datasets) implements TrackingOp {
        public LogDatasets {
            datasets = List.copyOf(datasets);
        }

        @Override
        public void applyTo(MlflowWriter writer) {
            writer.logDatasets(this);
        }

        @Override
        public int replayPhase() {
            return 2;
        }
    }

    /**
     * Logs a data set the step read from outside the pipeline as the run's input (context {@code source}):
     * where it lives, its digest, its columns' types and its row count (-1 when unknown).
     */
    record LogSource(RunRef run, String name, String source, String digest, Map<String, String> columns, long rows)
            implements TrackingOp {
        public LogSource {
            columns = columns == null
                    ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(columns));
        }

        @Override
        public void applyTo(MlflowWriter writer) {
            writer.logSource(this);
        }

        @Override
        public int replayPhase() {
            return 2;
        }
    }

    /** Uploads the files of {@code directory} under {@code artifactPath} of the run's artifacts. */
    record UploadArtifacts(RunRef run, String artifactPath, String directory) implements TrackingOp {
        @Override
        public void applyTo(MlflowWriter writer) {
            writer.uploadArtifacts(this);
        }

        @Override
        public int replayPhase() {
            return 2;
        }
    }

    /**
     * Logs {@code directory}, the run's output {@code name}, as an MLflow 3 logged model called
     * {@code displayName} (the output name when null), tagged with its content {@code digest} (when known) so
     * that a later run reusing the same model links it, and with {@code params} (the settings it was made
     * with) as the model's params.
     */
    record LogModel(
            RunRef run,
            String name,
            String directory,
            List<Tag> tags,
            String displayName,
            String digest,
            List<Param> params)
            implements TrackingOp {
        public LogModel {
            tags = List.copyOf(tags);
            params = params == null ? List.of() : List.copyOf(params);
        }

        public LogModel(RunRef run, String name, String directory, List<Tag> tags) {
            this(run, name, directory, tags, null, null, List.of());
        }

        @Override
        public void applyTo(MlflowWriter writer) {
            writer.logModel(this);
        }

        @Override
        public int replayPhase() {
            return 3;
        }
    }

    /**
     * Lists the logged model whose content digest is {@code digest} (from this run or an earlier one) among
     * the outputs of {@code run}: a step that reused a cached model, or the pipeline run its steps logged
     * models for. Nothing happens when no such model was logged.
     */
    record LinkModel(RunRef run, String digest) implements TrackingOp {
        @Override
        public void applyTo(MlflowWriter writer) {
            writer.linkModel(this);
        }

        @Override
        public int replayPhase() {
            return 4;
        }
    }

    /**
     * Logs {@code metrics} on {@code run} as measures of the logged model whose content digest is
     * {@code digest} (an evaluation of it), so the experiment's Models tab ranks models by them.
     */
    record LogModelMetrics(RunRef run, String digest, List<Metric> metrics) implements TrackingOp {
        public LogModelMetrics {
            metrics = List.copyOf(metrics);
        }

        @Override
        public void applyTo(MlflowWriter writer) {
            writer.logModelMetrics(this);
        }

        @Override
        public int replayPhase() {
            return 4;
        }
    }

    /**
     * Registers the run's logged model {@code model} as a version of {@code registeredName}; when the step
     * logged none (it reused a cached model), the logged model with content digest {@code digest}. The version
     * is named on {@code pipeline}, the run the step belongs to (null: none, as in operations spooled before).
     */
    record RegisterModel(RunRef run, String model, String registeredName, String alias, String digest, RunRef pipeline)
            implements TrackingOp {
        public RegisterModel(RunRef run, String model, String registeredName, String alias) {
            this(run, model, registeredName, alias, null, null);
        }

        @Override
        public void applyTo(MlflowWriter writer) {
            writer.registerModel(this);
        }

        @Override
        public int replayPhase() {
            return 4;
        }
    }

    /**
     * Folds every other run holding the key of {@code run} into the one all writers keep (see
     * {@link MlflowWriter}): their child runs move under it, and they are closed as duplicates. Run once no
     * more writers can start the run, it undoes any race the checks at creation missed.
     */
    record MergeDuplicates(RunRef run) implements TrackingOp {
        @Override
        public void applyTo(MlflowWriter writer) {
            writer.mergeDuplicates(this);
        }

        @Override
        public int replayPhase() {
            return 4;
        }
    }

    /**
     * Saves, in the experiment of {@code run}, MLflow's shared view {@code key} of its runs table: the pipeline's
     * numeric results {@code metrics} as columns, so a link naming the view shows them without a person picking
     * them in the Columns menu.
     */
    record ShareResultsView(RunRef run, String key, List<String> metrics) implements TrackingOp {
        public ShareResultsView {
            metrics = List.copyOf(metrics);
        }

        @Override
        public void applyTo(MlflowWriter writer) {
            writer.shareResultsView(this);
        }

        @Override
        public int replayPhase() {
            return 0;
        }
    }

    record EndRun(RunRef run, RunStatus status, long endTime) implements TrackingOp {
        @Override
        public void applyTo(MlflowWriter writer) {
            writer.endRun(this);
        }

        @Override
        public int replayPhase() {
            return 5;
        }
    }
}
