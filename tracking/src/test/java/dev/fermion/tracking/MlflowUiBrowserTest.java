package dev.fermion.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.tracking.browser.Chromium;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.MlflowCredentials;
import dev.fermion.tracking.mlflow.RetryPolicy;
import dev.fermion.types.Dataset;
import dev.fermion.types.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the MLflow UI of a tracked pipeline run in headless Chromium and checks what a user sees: the run
 * in its experiment, its child step runs, a metric chart and the logged model. Screenshots stay in
 * {@code target/mlflow-ui/}. Needs {@code scripts/install-browser.sh}; skipped without Chromium unless
 * {@code FERMION_REQUIRE_BROWSER=true}.
 */
@ExtendWith(MlflowServerFixture.class)
class MlflowUiBrowserTest {
    private static final Duration RENDER = Duration.ofSeconds(60);
    private static final Path SHOTS = Path.of("target", "mlflow-ui");

    @TempDir
    Path work;

    @Test
    void finishedPipelineRunIsVisibleInTheMlflowUi(MlflowServer server) throws Exception {
        Path chromium = chromium();
        String runId = "ui-" + UUID.randomUUID().toString().substring(0, 8);
        TrackingSummary summary = trackPipeline(server, runId);
        String runName = "iris-" + runId;

        try (Chromium browser =
                Chromium.launch(chromium, Path.of("target", "chromium-" + runId).toAbsolutePath())) {
            browser.open(summary.links().experiment());
            assertThat(browser.awaitText(settled(runName), RENDER)).contains(runName);
            browser.screenshot(SHOTS.resolve("experiment-runs.png"));

            browser.open(summary.links().run());
            String parent = browser.awaitText(settled("Child runs", "prepare"), RENDER);
            assertThat(parent)
                    .contains(runName, "Child runs", "prepare", "train", "evaluate", "Finished", "fermion.pipeline");
            browser.screenshot(SHOTS.resolve("parent-run.png"));

            String train = summary.links().steps().get("train");
            browser.open(train);
            String step = browser.awaitText(settled("Parent run", runName, "Logged models"), RENDER);
            assertThat(step).contains("Parent run", runName, "loss", "Logged models", "com.example.Train");
            browser.screenshot(SHOTS.resolve("train-run.png"));

            browser.open(train.replace("?", "/model-metrics?"));
            assertThat(browser.awaitTrue(
                            "document.querySelectorAll('.js-plotly-plot .scatterlayer .trace').length > 0", RENDER))
                    .as("a plotted loss curve on the model metrics tab")
                    .isTrue();
            assertThat(browser.text()).contains("loss", "Step");
            browser.screenshot(SHOTS.resolve("train-metrics.png"));

            browser.open(summary.links().models().get("train/model"));
            String model = browser.awaitText(settled("Source run", "Ready"), RENDER);
            assertThat(model).contains("model", "Ready", "Source run", "train");
            browser.screenshot(SHOTS.resolve("logged-model.png"));
        }
    }

    /**
     * What a data scientist comparing pipeline runs looks for: each run's headline results in the runs table,
     * the sweep's models named by trial and ranked by the evaluation logged against them, the registered
     * version's schema, and the pipeline's graph on the run. Screenshots stay in {@code target/mlflow-ui/}.
     */
    @Test
    void aSweepShowsResultsModelsSchemaAndGraphInTheMlflowUi(MlflowServer server) throws Exception {
        Path chromium = chromium();
        String experiment = "sweep-ui-" + UUID.randomUUID().toString().substring(0, 8);
        String registered = "iris-" + UUID.randomUUID().toString().substring(0, 8);
        String first = "s1-" + UUID.randomUUID().toString().substring(0, 6);
        String second = "s2-" + UUID.randomUUID().toString().substring(0, 6);
        TrackingSummary sweep = trackSweep(server, experiment, first, 0.93, null);
        trackSweep(server, experiment, second, 0.97, registered);
        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        String experimentId = client.experimentId(experiment);

        try (Chromium browser =
                Chromium.launch(chromium, Path.of("target", "chromium-" + first).toAbsolutePath())) {
            browser.viewport(2200, 1000);
            browser.open(sweep.links().experiment());
            browser.awaitText(settled("sweep-" + first, "sweep-" + second), RENDER);
            // MLflow's assistant panel would cover half the table; a person closes it once.
            browser.click("[data-component-id=\"mlflow.assistant.chat_panel.close\"]");
            // The runs table shows attributes until a person picks the metrics to compare by, as here.
            assertThat(browser.clickText("Columns")).as("the Columns menu").isTrue();
            browser.awaitText(settled("accuracy"), RENDER);
            browser.screenshot(SHOTS.resolve("sweep-columns-menu.png"));
            assertThat(browser.clickText("accuracy")).isTrue();
            assertThat(browser.clickText("best-learning-rate")).isTrue();
            browser.evaluate("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}))");
            String table = browser.awaitText(settled("sweep-" + first, "0.93", "0.97"), RENDER);
            browser.screenshot(SHOTS.resolve("sweep-runs-table.png"));
            assertThat(table).contains("accuracy", "0.93", "0.97", "best-learning-rate");

            browser.open(client.experimentModelsUrl(experimentId));
            String models = browser.awaitText(settled("grid-0-trial", "grid-1-trial", "grid-2-trial"), RENDER);
            assertThat(models).contains("grid-0-trial", "grid-1-trial", "grid-2-trial", "accuracy");
            browser.screenshot(SHOTS.resolve("sweep-models.png"));

            String best = client.findLoggedModelsByTag(experimentId, "fermion.step", "grid/2/trial").stream()
                    .filter(m -> m.metrics().containsKey("accuracy"))
                    .findFirst()
                    .orElseThrow()
                    .modelId();
            browser.open(client.loggedModelUrl(experimentId, best));
            String model = browser.awaitText(settled("grid-2-trial", "accuracy", "learning-rate"), RENDER);
            browser.screenshot(SHOTS.resolve("sweep-model-metrics.png"));
            assertThat(model).contains("grid-2-trial", "accuracy", "learning-rate");

            browser.open(server.uri() + "/#/models/" + registered + "/versions/1");
            browser.awaitText(settled(registered, "Inputs (4)", "Outputs (2)"), RENDER);
            browser.clickText("Inputs (4)");
            browser.clickText("Outputs (2)");
            String version = browser.awaitText(settled("petal_width", "probabilities"), RENDER);
            browser.screenshot(SHOTS.resolve("model-version-schema.png"));
            assertThat(version).contains("petal_width", "probabilities", "label");

            browser.open(sweep.links().run());
            String parent = browser.awaitText(settled("sweep-" + first, "accuracy", "grid-2-trial"), RENDER);
            browser.screenshot(SHOTS.resolve("sweep-parent-run.png"));
            assertThat(parent)
                    .as("the run's results and the models it made")
                    .contains("accuracy", "best-learning-rate", "grid-2-trial");

            String runId = sweep.links().run().replaceAll(".*/runs/([0-9a-f]+).*", "$1");
            browser.open(client.artifactUrl(experimentId, runId, MlflowTracker.GRAPH));
            boolean previewed = browser.awaitTrue(
                    "Array.from(document.querySelectorAll('img')).some(i => i.naturalWidth > 400)", RENDER);
            browser.screenshot(SHOTS.resolve("sweep-graph.png"));
            assertThat(previewed).as("the graph previews").isTrue();
        }
    }

    /** Tracks one run of a sweep-shaped pipeline the way the runner reports it, with {@code accuracy} as its result. */
    private TrackingSummary trackSweep(
            MlflowServer server, String experiment, String runId, double accuracy, String register) throws Exception {
        Path model = Files.createDirectories(work.resolve(runId));
        Files.writeString(model.resolve("weights.params"), runId);
        Files.writeString(
                model.resolve("signature.json"),
                "{\"inputs\": \"["
                        + String.join(
                                ", ",
                                List.of(
                                        column("sepal_length"),
                                        column("sepal_width"),
                                        column("petal_length"),
                                        column("petal_width")))
                        + "]\", \"outputs\": \"[{\\\"type\\\": \\\"string\\\", \\\"name\\\": \\\"label\\\", "
                        + "\\\"required\\\": true}, {\\\"type\\\": \\\"array\\\", \\\"name\\\": \\\"probabilities\\\", "
                        + "\\\"required\\\": true, \\\"items\\\": {\\\"type\\\": \\\"double\\\"}}]\", \"params\": null}");
        Files.writeString(
                model.resolve("input_example.json"),
                "{\"columns\": [\"sepal_length\", \"sepal_width\", \"petal_length\", \"petal_width\"], \"data\": [[5.8, 3.0, 3.8, 1.2]]}");
        MlflowTracker tracker = new MlflowTracker(TrackingOptions.of(server.uri(), work.resolve("home")));
        var plan = Plans.sweep(experiment);
        tracker.runStarted(plan, runId, Map.of("learning-rates", "[0.001,0.01,0.1]"));
        tracker.stepStarted("prepare", Plans.component("com.example.Prepare"), Map.of("source", "iris.csv"), List.of());
        tracker.stepSource(
                "prepare",
                new dev.fermion.dsl.SourceDataset(
                        "iris.csv",
                        "examples/data/iris.csv",
                        "sha256:" + "cd".repeat(32),
                        Map.of("sepal_length", "double"),
                        150));
        tracker.stepFinished("prepare", StepOutcome.SUCCEEDED, Map.of("rows", "150"), List.of(), false, null);
        List<Double> rates = List.of(0.001, 0.01, 0.1);
        String bestDigest = null;
        for (int i = 0; i < rates.size(); i++) {
            Path trial = Files.createDirectories(work.resolve(runId + "-trial-" + i));
            try (var files = Files.list(model)) {
                for (Path f : files.toList()) {
                    Files.copy(f, trial.resolve(f.getFileName()));
                }
            }
            Files.writeString(trial.resolve("weights.params"), runId + i);
            String digest = "sha256:"
                    + String.format(
                            "%064x",
                            new java.math.BigInteger(
                                    1,
                                    java.security.MessageDigest.getInstance("SHA-256")
                                            .digest((runId + i).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            String step = "grid/" + i + "/trial";
            tracker.stepStarted(
                    step,
                    Plans.component("com.example.Train"),
                    Map.of("learning-rate", rates.get(i).toString()),
                    List.of());
            for (int epoch = 0; epoch < 20; epoch++) {
                tracker.stepMetric(step, "loss", (1.0 + i) / (epoch + 1), epoch, 1_700_000_000_000L + epoch * 1000L);
            }
            tracker.stepFinished(
                    step,
                    StepOutcome.SUCCEEDED,
                    Map.of("best-validation-loss", Double.toString(0.3 - 0.1 * i)),
                    List.of(new StepArtifact("model", new Model(trial), digest)),
                    false,
                    null);
            // Each trial is evaluated, so the Models tab can rank the trials by accuracy.
            String evaluate = "grid/" + i + "/evaluate";
            tracker.stepStarted(
                    evaluate,
                    Plans.component("com.example.Evaluate"),
                    Map.of(),
                    List.of(new StepArtifact("model", new Model(trial), digest)));
            tracker.stepMetric(evaluate, "accuracy", accuracy - 0.02 * (rates.size() - 1 - i), 0, 1_700_000_100_000L);
            tracker.stepFinished(evaluate, StepOutcome.SUCCEEDED, Map.of(), List.of(), false, null);
            bestDigest = digest;
        }
        tracker.stepStarted(
                "train-best", Plans.component("com.example.Train"), Map.of("learning-rate", "0.1"), List.of(), true);
        tracker.stepFinished(
                "train-best",
                StepOutcome.SUCCEEDED,
                Map.of(),
                List.of(new StepArtifact("model", new Model(model), bestDigest)),
                true,
                runId);
        tracker.stepStarted(
                "evaluate",
                Plans.component("com.example.Evaluate"),
                Map.of(),
                List.of(new StepArtifact("model", new Model(model), bestDigest)));
        tracker.stepMetric("evaluate", "accuracy", accuracy, 0, 1_700_000_200_000L);
        tracker.stepFinished(
                "evaluate",
                StepOutcome.SUCCEEDED,
                Map.of("accuracy", Double.toString(accuracy)),
                List.of(),
                false,
                null);
        if (register != null) {
            tracker.registerModel("grid/2/trial", "model", register, "champion");
        }
        TrackingSummary summary = tracker.runFinished(
                StepOutcome.SUCCEEDED, Map.of("best-learning-rate", "0.1", "accuracy", Double.toString(accuracy)));
        assertThat(summary.complete()).isTrue();
        return summary;
    }

    private static String column(String name) {
        return "{\\\"type\\\": \\\"double\\\", \\\"name\\\": \\\"" + name + "\\\", \\\"required\\\": true}";
    }

    /** Debian's Chromium; the test is skipped without it, unless CI requires it. */
    private static Path chromium() {
        Path chromium = Chromium.binary();
        if (chromium == null) {
            if ("true".equalsIgnoreCase(System.getenv("FERMION_REQUIRE_BROWSER"))) {
                throw new IllegalStateException("FERMION_REQUIRE_BROWSER=true but chromium is not installed;"
                        + " run scripts/install-browser.sh");
            }
            Assumptions.abort("chromium is not installed; run scripts/install-browser.sh");
        }
        return chromium;
    }

    /** The page shows all of {@code expected} and has no section still loading its data. */
    private static Predicate<String> settled(String... expected) {
        return text -> !text.toLowerCase(Locale.ROOT).contains("loading")
                && Arrays.stream(expected).allMatch(text::contains);
    }

    private TrackingSummary trackPipeline(MlflowServer server, String runId) throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("iris.csv"), "sepal,petal,species\n5.1,1.4,setosa\n");
        Path model = Files.createDirectories(work.resolve("model"));
        Files.writeString(model.resolve("weights.params"), "0123");
        MlflowTracker tracker = new MlflowTracker(TrackingOptions.of(server.uri(), work.resolve("home")));

        tracker.runStarted(Plans.plan("iris", "ui-" + UUID.randomUUID()), runId, Map.of("epochs", "40"));
        tracker.stepStarted("prepare", Plans.component("com.example.Prepare"), Map.of(), List.of());
        tracker.stepFinished(
                "prepare",
                StepOutcome.SUCCEEDED,
                Map.of(),
                List.of(new StepArtifact("data", new Dataset(data), null)),
                false,
                null);
        tracker.stepStarted(
                "train",
                Plans.component("com.example.Train"),
                Map.of("epochs", "40"),
                List.of(new StepArtifact("data", new Dataset(data), null)));
        for (int epoch = 0; epoch < 40; epoch++) {
            tracker.stepMetric("train", "loss", 1.0 / (epoch + 1), epoch, 1_700_000_000_000L + epoch * 1000L);
        }
        tracker.stepFinished(
                "train",
                StepOutcome.SUCCEEDED,
                Map.of(),
                List.of(new StepArtifact("model", new Model(model), null)),
                false,
                null);
        tracker.stepStarted("evaluate", Plans.component("com.example.Evaluate"), Map.of(), List.of());
        tracker.stepMetric("evaluate", "accuracy", 0.96, 0, 1_700_000_100_000L);
        tracker.stepFinished("evaluate", StepOutcome.SUCCEEDED, Map.of("accuracy", "0.96"), List.of(), false, null);
        TrackingSummary summary = tracker.runFinished(StepOutcome.SUCCEEDED);
        assertThat(summary.complete()).isTrue();
        return summary;
    }
}
