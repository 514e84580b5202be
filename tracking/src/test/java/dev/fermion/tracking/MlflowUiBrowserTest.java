package dev.fermion.tracking;

import static dev.fermion.tracking.browser.Chromium.settled;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.tracking.browser.Chromium;
import dev.fermion.types.Dataset;
import dev.fermion.types.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the MLflow UI of a run reported to {@link MlflowTracker} in headless Chromium and checks what a user sees:
 * the run in its experiment, its child step runs, a metric chart and the logged model. Screenshots stay in
 * {@code target/mlflow-ui/}. Needs {@code scripts/install-browser.sh}; skipped without Chromium unless
 * {@code FERMION_REQUIRE_BROWSER=true}. Real pipeline runs (iris, the sweep) are browsed by the examples'
 * {@code ExamplesInMlflowUiTest}.
 */
@ExtendWith(MlflowServerFixture.class)
class MlflowUiBrowserTest {
    private static final Duration RENDER = Duration.ofSeconds(60);
    private static final Path SHOTS = Path.of("target", "mlflow-ui");

    @TempDir
    Path work;

    @Test
    void finishedPipelineRunIsVisibleInTheMlflowUi(MlflowServer server) throws Exception {
        Path chromium = Chromium.binaryOrSkip();
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
