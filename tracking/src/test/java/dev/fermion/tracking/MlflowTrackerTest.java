package dev.fermion.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.plan.Plan;
import dev.fermion.tracking.mlflow.ArtifactFile;
import dev.fermion.tracking.mlflow.LoggedModel;
import dev.fermion.tracking.mlflow.Metric;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.MlflowCredentials;
import dev.fermion.tracking.mlflow.ModelVersion;
import dev.fermion.tracking.mlflow.RetryPolicy;
import dev.fermion.tracking.mlflow.RunInfo;
import dev.fermion.types.Dataset;
import dev.fermion.types.Model;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MlflowServerFixture.class)
class MlflowTrackerTest {
    @TempDir
    Path home;

    @TempDir
    Path work;

    private MlflowServer server;
    private MlflowClient client;
    private String experiment;
    private Plan plan;

    @BeforeEach
    void setUp(MlflowServer server) {
        this.server = server;
        client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        experiment = "tracker-" + UUID.randomUUID();
        plan = Plans.plan("iris", experiment);
    }

    private MlflowTracker tracker() {
        return new MlflowTracker(TrackingOptions.of(server.uri(), home));
    }

    @Test
    void pipelineRunBecomesParentRunWithAChildRunPerStep() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("iris.csv"), "sepal,petal\n1,2\n");
        Path model = Files.createDirectories(work.resolve("model"));
        Files.writeString(model.resolve("weights.params"), "0123");
        Files.writeString(model.resolve("synset.txt"), "setosa\nversicolor\n");
        String runId = "run-" + UUID.randomUUID();

        MlflowTracker tracker = tracker();
        tracker.runStarted(plan, runId, Map.of("epochs", "3", "lr", "0.1"));
        tracker.stepStarted("prepare", Plans.component("com.example.Prepare"), Map.of("rows", "100"), List.of());
        tracker.stepFinished(
                "prepare",
                StepOutcome.SUCCEEDED,
                Map.of("count", "100"),
                List.of(new StepArtifact("data", new Dataset(data), "sha256:0123456789abcdef")),
                false,
                null);
        tracker.stepStarted(
                "train",
                Plans.component("com.example.Train"),
                Map.of("lr", "0.1"),
                List.of(new StepArtifact("data", new Dataset(data), "sha256:0123456789abcdef")));
        for (int epoch = 0; epoch < 1_500; epoch++) {
            tracker.stepMetric("train", "loss", 1.0 / (epoch + 1), epoch, 1_000_000L + epoch);
        }
        tracker.stepFinished(
                "train",
                StepOutcome.SUCCEEDED,
                Map.of(),
                List.of(new StepArtifact("model", new Model(model), null)),
                false,
                null);
        String registered = "iris-" + UUID.randomUUID();
        tracker.registerModel("train", "model", registered, "champion");
        tracker.stepStarted("publish", Plans.component("com.example.Publish"), Map.of(), List.of());
        tracker.stepFinished("publish", StepOutcome.FAILED, Map.of(), List.of(), false, null);
        TrackingSummary summary = tracker.runFinished(StepOutcome.FAILED);

        assertThat(summary.complete()).isTrue();
        RunInfo parent = runNamed(plan.name() + "-" + runId);
        assertThat(parent.status()).isEqualTo("FAILED");
        assertThat(parent.endTime()).isGreaterThanOrEqualTo(parent.startTime());
        assertThat(parent.params()).containsEntry("epochs", "3").containsEntry("lr", "0.1");
        assertThat(parent.tags())
                .containsEntry("fermion.pipeline", "iris")
                .containsEntry("fermion.pipeline.version", "1.2.0")
                .containsEntry("fermion.run", runId)
                .containsEntry("fermion.version", "0.1.0-SNAPSHOT")
                .containsEntry("mlflow.note.content", "Trains and evaluates a classifier.");
        GitCommit.of(Path.of(""))
                .ifPresent(commit -> assertThat(parent.tags()).containsEntry("mlflow.source.git.commit", commit));
        assertThat(summary.links().run())
                .isEqualTo(server.uri() + "/#/experiments/" + parent.experimentId() + "/runs/" + parent.runId()
                        + "?workflowType=machine_learning");

        Map<String, RunInfo> children =
                client.findRunsByTag(parent.experimentId(), "mlflow.parentRunId", parent.runId()).stream()
                        .collect(Collectors.toMap(RunInfo::runName, Function.identity()));
        assertThat(children).containsOnlyKeys("prepare", "train", "publish");
        assertThat(children.get("prepare").status()).isEqualTo("FINISHED");
        assertThat(children.get("publish").status()).isEqualTo("FAILED");
        RunInfo train = client.getRun(children.get("train").runId());
        assertThat(train.params()).containsEntry("lr", "0.1").containsEntry("data", "sha256:0123456789abcdef");
        assertThat(train.tags())
                .containsEntry("fermion.component", "com.example.Train")
                .containsEntry("fermion.component.version", "3")
                .containsEntry("fermion.cached", "false");
        assertThat(client.datasetInputs(train.runId())).containsEntry("data", "0123456789abcdef");
        assertThat(client.metricHistory(train.runId(), "loss"))
                .hasSize(1_500)
                .extracting(Metric::step)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, 1_500).mapToObj(i -> (long) i).toList());
        assertThat(client.getRun(children.get("prepare").runId()).tags()).containsEntry("fermion.output.count", "100");
        assertThat(client.listArtifacts(children.get("prepare").artifactUri(), "data"))
                .extracting(ArtifactFile::path)
                .containsExactly("iris.csv");
        assertThat(summary.links().steps()).containsOnlyKeys("prepare", "train", "publish");

        ModelVersion champion = client.versionByAlias(registered, "champion");
        LoggedModel logged = client.getLoggedModel(champion.source().substring("models:/".length()));
        assertThat(logged.status()).isEqualTo("LOGGED_MODEL_READY");
        assertThat(logged.sourceRunId()).isEqualTo(train.runId());
        assertThat(logged.name()).as("named after the step that made it").isEqualTo("train");
        assertThat(client.listArtifacts(logged.artifactUri(), ""))
                .extracting(ArtifactFile::path)
                .containsExactlyInAnyOrder("MLmodel", "synset.txt", "weights.params");
        String mlmodel = new String(client.downloadArtifact(logged.artifactUri(), "MLmodel"), StandardCharsets.UTF_8);
        assertThat(mlmodel).contains("flavors:\n  djl:\n").contains("model_id: " + logged.modelId());
        assertThat(summary.links().models())
                .containsEntry(
                        "train/model",
                        server.uri() + "/#/experiments/" + parent.experimentId() + "/models/" + logged.modelId()
                                + "?workflowType=machine_learning");
    }

    /**
     * What a person comparing runs in MLflow needs on the runs themselves: the pipeline's results on the parent
     * run, the models named by the step (and trial) that made them with their params, schema and evaluation,
     * the data set a step read, the models a run used, and a picture of the pipeline.
     */
    @Test
    void aRunShowsItsResultsModelsEvaluationSourceAndGraph() throws Exception {
        Path model = Files.createDirectories(work.resolve("model"));
        Files.writeString(model.resolve("weights.params"), "0123");
        Files.writeString(
                model.resolve("signature.json"),
                "{\"inputs\": \"[{\\\"type\\\": \\\"double\\\", "
                        + "\\\"name\\\": \\\"petal\\\", \\\"required\\\": true}]\", \"outputs\": \"[{\\\"type\\\": "
                        + "\\\"string\\\", \\\"name\\\": \\\"label\\\", \\\"required\\\": true}]\", \"params\": null}");
        Files.writeString(model.resolve("input_example.json"), "{\"columns\": [\"petal\"], \"data\": [[1.4]]}");
        String digest = "sha256:" + "ab".repeat(32);
        String runId = "run-" + UUID.randomUUID();
        Plan pipeline = Plans.sweep(experiment);

        MlflowTracker tracker = tracker();
        tracker.runStarted(pipeline, runId, Map.of());
        tracker.stepStarted(
                "prepare", Plans.component("com.example.Prepare"), Map.of("source", "data/iris.csv"), List.of());
        tracker.stepSource(
                "prepare",
                new dev.fermion.dsl.SourceDataset(
                        "iris.csv",
                        work.resolve("iris.csv").toString(),
                        "sha256:" + "cd".repeat(32),
                        new java.util.LinkedHashMap<>(Map.of("petal", "double")),
                        150));
        tracker.stepFinished("prepare", StepOutcome.SUCCEEDED, Map.of(), List.of(), false, null);
        tracker.stepStarted(
                "grid/2/trial", Plans.component("com.example.Train"), Map.of("learning-rate", "0.01"), List.of());
        tracker.stepFinished(
                "grid/2/trial",
                StepOutcome.SUCCEEDED,
                Map.of("best-validation-loss", "0.12", "device", "cpu"),
                List.of(new StepArtifact("model", new Model(model), digest)),
                false,
                null);
        tracker.stepStarted(
                "train-best", Plans.component("com.example.Train"), Map.of("learning-rate", "0.01"), List.of(), true);
        tracker.stepFinished(
                "train-best",
                StepOutcome.SUCCEEDED,
                Map.of(),
                List.of(new StepArtifact("model", new Model(model), digest)),
                true,
                runId);
        tracker.stepStarted(
                "evaluate",
                Plans.component("com.example.Evaluate"),
                Map.of(),
                List.of(new StepArtifact("model", new Model(model), digest)));
        tracker.stepMetric("evaluate", "accuracy", 0.97, 0, 1_700_000_000_000L);
        tracker.stepFinished("evaluate", StepOutcome.SUCCEEDED, Map.of("accuracy", "0.97"), List.of(), false, null);
        String registered = "sweep-" + UUID.randomUUID();
        tracker.registerModel("train-best", "model", registered, "champion");
        TrackingSummary summary = tracker.runFinished(
                StepOutcome.SUCCEEDED, Map.of("accuracy", "0.97", "best-rate", "0.01", "stage", "PRODUCTION"));

        assertThat(summary.complete()).isTrue();
        RunInfo parent = runNamed(pipeline.name() + "-" + runId);
        assertThat(parent.metrics())
                .containsEntry("accuracy", 0.97)
                .containsEntry("best-rate", 0.01)
                .doesNotContainKey("stage");
        assertThat(parent.tags()).containsEntry("fermion.result.stage", "PRODUCTION");
        LoggedModel trial = client.findLoggedModelsByTag(parent.experimentId(), "fermion.model.digest", digest)
                .get(0);
        assertThat(trial.name()).isEqualTo("grid-2-trial");
        assertThat(trial.params()).containsEntry("learning-rate", "0.01");
        assertThat(trial.metrics())
                .as("the evaluation of the model and the numeric results of the step that made it, on the model")
                .containsEntry("accuracy", 0.97)
                .containsEntry("best-validation-loss", 0.12)
                .doesNotContainKey("device");
        assertThat(parent.tags())
                .as("the pipeline run names the version it registered")
                .containsEntry("fermion.registeredModel", "models:/" + registered + "/1");
        assertThat(trial.tags())
                .as("MLflow's UI lists the registered version with the model, on every run that lists the model")
                .containsEntry("mlflow.modelVersions", "[{\"name\": \"" + registered + "\", \"version\": 1}]");
        assertThat(client.versionByAlias(registered, "champion").source()).isEqualTo(trial.modelUri());
        String mlmodel = new String(client.downloadArtifact(trial.artifactUri(), "MLmodel"), StandardCharsets.UTF_8);
        assertThat(mlmodel)
                .contains("signature:\n  inputs: '[{\"type\": \"double\", \"name\": \"petal\"")
                .contains("saved_input_example_info:\n  artifact_path: input_example.json");
        Map<String, RunInfo> children =
                client.findRunsByTag(parent.experimentId(), "mlflow.parentRunId", parent.runId()).stream()
                        .collect(Collectors.toMap(RunInfo::runName, Function.identity()));
        assertThat(client.modelOutputs(children.get("train-best").runId()))
                .as("the cached step lists the model it reused")
                .containsExactly(trial.modelId());
        assertThat(client.modelOutputs(parent.runId())).containsExactly(trial.modelId());
        var source = client.datasets(children.get("prepare").runId()).get(0);
        assertThat(source.path("dataset").path("name").asText()).isEqualTo("iris.csv");
        assertThat(source.path("dataset").path("profile").asText()).isEqualTo("{\"num_rows\": 150}");
        assertThat(source.path("dataset").path("schema").asText()).contains("\"name\":\"petal\"");
        assertThat(source.path("tags").toString()).contains("source");
        String graph =
                new String(client.downloadArtifact(parent.artifactUri(), MlflowTracker.GRAPH), StandardCharsets.UTF_8);
        assertThat(graph).startsWith("<svg").contains(">prepare</text>", "cached", "succeeded");
        assertThat(client.getExperimentTags(parent.experimentId()))
                .containsEntry("mlflow.experimentKind", "custom_model_development")
                .as("the runs table's view with the pipeline's numeric results as columns")
                .containsEntry(
                        "mlflow.sharedViewState.fermion-sweep",
                        "{\"selectedColumns\":[\"metrics.`accuracy`\",\"attributes.`Source`\","
                                + "\"attributes.`Models`\",\"attributes.`Dataset`\"]}");
        assertThat(summary.links().experiment())
                .isEqualTo(server.uri() + "/#/experiments/" + parent.experimentId()
                        + "/runs?workflowType=machine_learning&viewStateShareKey=fermion-sweep");
    }

    @Test
    void cachedStepPointsToTheRunThatProducedItsResult() {
        String first = "run-" + UUID.randomUUID();
        MlflowTracker original = tracker();
        original.runStarted(plan, first, Map.of());
        original.stepStarted("evaluate", Plans.component("com.example.Evaluate"), Map.of("split", "0.2"), List.of());
        original.stepMetric("evaluate", "accuracy", 0.93, 0, 1L);
        original.stepFinished("evaluate", StepOutcome.SUCCEEDED, Map.of("accuracy", "0.93"), List.of(), false, null);
        original.runFinished(StepOutcome.SUCCEEDED);

        String second = "run-" + UUID.randomUUID();
        MlflowTracker rerun = tracker();
        rerun.runStarted(plan, second, Map.of());
        rerun.stepFinished("evaluate", StepOutcome.SUCCEEDED, Map.of("accuracy", "0.93"), List.of(), true, first);
        TrackingSummary summary = rerun.runFinished(StepOutcome.SUCCEEDED);

        assertThat(summary.complete()).isTrue();
        String experimentId = client.experimentId(experiment);
        RunInfo producer = client.findRunsByTag(experimentId, "fermion.key", first + "/evaluate")
                .get(0);
        RunInfo cached = client.findRunsByTag(experimentId, "fermion.key", second + "/evaluate")
                .get(0);
        assertThat(cached.runName()).isEqualTo("evaluate");
        assertThat(cached.status()).isEqualTo("FINISHED");
        assertThat(cached.tags())
                .containsEntry("fermion.cached", "true")
                .containsEntry("fermion.cached.sourceRun", first)
                .containsEntry("fermion.cached.sourceMlflowRun", producer.runId());
        assertThat(producer.tags()).containsEntry("fermion.cached", "false");
    }

    private RunInfo runNamed(String value) {
        String experimentId = client.experimentId(experiment);
        List<RunInfo> runs = client.findRunsByTag(experimentId, "mlflow.runName", value);
        assertThat(runs).hasSize(1);
        return client.getRun(runs.get(0).runId());
    }
}
