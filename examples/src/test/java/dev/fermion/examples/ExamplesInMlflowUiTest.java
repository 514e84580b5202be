package dev.fermion.examples;

import static dev.fermion.tracking.browser.Chromium.settled;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.dsl.Pipeline;
import dev.fermion.examples.iris.IrisPipeline;
import dev.fermion.examples.sweep.SweepPipeline;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.runtime.local.LocalRunner;
import dev.fermion.runtime.local.ModelRegistration;
import dev.fermion.runtime.local.RunOptions;
import dev.fermion.runtime.local.RunResult;
import dev.fermion.runtime.local.RunStore;
import dev.fermion.runtime.local.StepRecord;
import dev.fermion.runtime.local.Tracking;
import dev.fermion.tracking.MlflowTracker;
import dev.fermion.tracking.SharedMlflowServer;
import dev.fermion.tracking.TrackingOptions;
import dev.fermion.tracking.TrackingSummary;
import dev.fermion.tracking.browser.Chromium;
import dev.fermion.tracking.mlflow.LoggedModel;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.MlflowCredentials;
import dev.fermion.tracking.mlflow.ModelVersion;
import dev.fermion.tracking.mlflow.RetryPolicy;
import dev.fermion.tracking.mlflow.RunInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The iris and sweep examples, run on this machine with tracking into a real MLflow server, browsed in its UI in
 * headless Chromium as a data scientist would: which run is best, which models the sweep made and how they rank,
 * what the pipeline registered and with which schema, what data went in, and the pipeline's graph. Screenshots stay
 * in {@code target/mlflow-ui/}. Skipped without MLflow or Chromium unless {@code FERMION_REQUIRE_MLFLOW=true} and
 * {@code FERMION_REQUIRE_BROWSER=true}.
 */
@ExtendWith(SharedMlflowServer.class)
class ExamplesInMlflowUiTest {
    private static final Duration RENDER = Duration.ofSeconds(60);
    private static final Path SHOTS = Path.of("target", "mlflow-ui");

    @TempDir
    Path home;

    @Test
    void irisAndSweepRunsShowWhatIsBestAndWhatWasRegistered(SharedMlflowServer.Server server) throws Exception {
        Path chromium = Chromium.binaryOrSkip();
        String registered = "iris-sweep-" + UUID.randomUUID().toString().substring(0, 8);
        // Two iris runs to compare; a minimum accuracy no model reaches skips the deploy step, which serves a model.
        RunResult iris1 = run(server, IrisPipeline.iris(), Map.of("seed", "42", "min-accuracy", "1.1"), null);
        RunResult iris2 = run(server, IrisPipeline.iris(), Map.of("seed", "7", "min-accuracy", "1.1"), null);
        Pipeline sweepPipeline = SweepPipeline.sweep();
        RunResult sweep = run(
                server,
                sweepPipeline,
                Map.of("epochs", "60"),
                ModelRegistration.of(sweepPipeline.plan(), "train-best/model", registered, "champion"));
        assertThat(sweep.tracking().registered()).isTrue();
        assertThat(sweep.step("train-best").cacheHit())
                .as("train-best retrains the winning trial exactly")
                .isTrue();

        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        String sweepExperiment = client.experimentId("iris-sweep");
        StepRecord winner = sweep.record().steps().values().stream()
                .filter(s -> s.path().matches("grid/\\d+/trial"))
                .min(Comparator.comparingDouble(
                        t -> Double.parseDouble(t.outputs().get("best-validation-loss"))))
                .orElseThrow();
        String winnerName = winner.path().replace('/', '-');
        LoggedModel winnerModel = client.findLoggedModelsByTag(
                        sweepExperiment,
                        "fermion.model.digest",
                        winner.digests().get("model"))
                .get(0);
        assertThat(winnerModel.name()).isEqualTo(winnerName);
        assertThat(winnerModel.metrics())
                .as("the trial's own result and the evaluation of the model train-best reused")
                .containsKeys("best-validation-loss", "accuracy");
        ModelVersion champion = client.versionByAlias(registered, "champion");
        assertThat(champion.source()).isEqualTo(winnerModel.modelUri());
        String sweepRunId = runIdOf(sweep.tracking().summary().links().run());
        RunInfo sweepRun = client.getRun(sweepRunId);
        assertThat(sweepRun.tags())
                .as("the pipeline run names the version it registered")
                .containsEntry("fermion.registeredModel", "models:/" + registered + "/" + champion.version());
        assertThat(client.modelOutputs(sweepRunId)).contains(winnerModel.modelId());

        try (Chromium browser = Chromium.launch(
                chromium, Path.of("target", "chromium-" + registered).toAbsolutePath())) {
            browser.viewport(2200, 1000);
            TrackingSummary irisSummary = iris2.tracking().summary();

            // The experiment link a run prints opens the runs table with the pipeline's results as columns.
            browser.open(irisSummary.links().experiment());
            String irisName1 = "iris-" + iris1.runId();
            String irisName2 = "iris-" + iris2.runId();
            String irisTable =
                    browser.awaitText(settled(irisName1, irisName2, "accuracy", "macro-f1", "Metrics"), RENDER);
            // MLflow's assistant panel would cover half the table; a person closes it once.
            browser.click("[data-component-id=\"mlflow.assistant.chat_panel.close\"]");
            browser.screenshot(SHOTS.resolve("iris-runs-table.png"));
            assertThat(irisTable)
                    .as("the training view, not MLflow's GenAI view")
                    .contains("Model training", "Runs", "Models")
                    .doesNotContain("Evaluations");
            assertThat(irisTable)
                    .contains(shown(iris1.record().results().get("accuracy")))
                    .contains(shown(iris2.record().results().get("accuracy")));

            browser.open(sweep.tracking().summary().links().experiment());
            String sweepTable = browser.awaitText(
                    settled("sweep-" + sweep.runId(), "best-learning-rate", "best-validation-loss", "accuracy"),
                    RENDER);
            browser.click("[data-component-id=\"mlflow.assistant.chat_panel.close\"]");
            browser.screenshot(SHOTS.resolve("sweep-runs-table.png"));
            assertThat(sweepTable).contains(shown(sweep.record().results().get("accuracy")));

            // The run link a run prints: the pipeline's results, its models, what it registered.
            browser.open(sweep.tracking().summary().links().run());
            String parent = browser.awaitText(
                    settled("sweep-" + sweep.runId(), "best-learning-rate", winnerName, registered), RENDER);
            browser.screenshot(SHOTS.resolve("sweep-parent-run.png"));
            assertThat(parent)
                    .doesNotContain("Evaluations")
                    .contains("accuracy", "best-validation-loss", "Logged models", winnerName)
                    .contains("Registered models", registered, "fermion.registeredModel");

            // The first iris run's prepare read the CSV (later runs, the sweep's included, reuse its split): a data
            // set input with its name, digest, schema and row count.
            assertThat(iris1.step("prepare").cacheHit()).isFalse();
            String prepareUrl = iris1.tracking().summary().links().steps().get("prepare");
            String digest = client.datasets(runIdOf(prepareUrl))
                    .get(0)
                    .path("dataset")
                    .path("digest")
                    .asText();
            String input = "iris.csv (" + digest + ")";
            browser.open(prepareUrl);
            String prepare = browser.awaitText(settled("prepare", input), RENDER);
            browser.screenshot(SHOTS.resolve("prepare-run.png"));
            assertThat(prepare).contains(input, "source");
            assertThat(browser.clickText(input)).as("the data set input").isTrue();
            String dataset = browser.awaitText(settled("sepal_length", "petal_width"), RENDER);
            browser.screenshot(SHOTS.resolve("prepare-dataset.png"));
            assertThat(dataset).contains("iris.csv", digest, "150");

            // train-best was a cache hit: its run lists the model it reused, the winning trial's.
            browser.open(sweep.tracking().summary().links().steps().get("train-best"));
            String trainBest = browser.awaitText(settled("train-best", "Logged models", winnerName), RENDER);
            assertThat(browser.scrollToText("Logged models")).isTrue();
            browser.screenshot(SHOTS.resolve("train-best-run.png"));
            assertThat(trainBest).contains("fermion.cached", "true", winnerName);

            // The Models tab: the five trials, named by trial, with their own results as metrics.
            browser.open(client.experimentModelsUrl(sweepExperiment));
            List<String> trials = sweep.record().steps().values().stream()
                    .map(StepRecord::path)
                    .filter(p -> p.matches("grid/\\d+/trial"))
                    .map(p -> p.replace('/', '-'))
                    .toList();
            assertThat(trials).hasSize(5);
            String models = browser.awaitText(
                    settled(trials.toArray(String[]::new)).and(settled("best-validation-loss")), RENDER);
            browser.screenshot(SHOTS.resolve("sweep-models.png"));
            assertThat(models)
                    .as("each trial's best validation loss, and the version registered from the winner")
                    .contains("best-validation-loss", registered);

            browser.open(client.loggedModelUrl(sweepExperiment, winnerModel.modelId()));
            String model =
                    browser.awaitText(settled(winnerName, "best-validation-loss", "accuracy", registered), RENDER);
            browser.screenshot(SHOTS.resolve("sweep-model-metrics.png"));
            assertThat(model).contains("learning-rate", registered);

            // The registered version's schema, from the signature the model bundle wrote.
            browser.open(server.uri() + "/#/models/" + registered + "/versions/" + champion.version());
            browser.awaitText(settled(registered, "Inputs (4)", "Outputs (2)"), RENDER);
            browser.clickText("Inputs (4)");
            browser.clickText("Outputs (2)");
            String version = browser.awaitText(settled("petal_width", "probabilities"), RENDER);
            browser.screenshot(SHOTS.resolve("model-version-schema.png"));
            assertThat(version).contains("sepal_length", "petal_width", "label", "probabilities", "champion");

            browser.open(client.artifactUrl(sweepRun.experimentId(), sweepRunId, "pipeline-graph.svg"));
            boolean previewed = browser.awaitTrue(
                    "Array.from(document.querySelectorAll('img')).some(i => i.naturalWidth > 400)", RENDER);
            browser.screenshot(SHOTS.resolve("sweep-graph.png"));
            assertThat(previewed).as("the pipeline graph previews").isTrue();
        }
    }

    private RunResult run(
            SharedMlflowServer.Server server,
            Pipeline pipeline,
            Map<String, String> params,
            ModelRegistration registration) {
        Tracking tracking = Tracking.to(new MlflowTracker(TrackingOptions.of(server.uri(), home)));
        RunOptions options = RunOptions.defaults()
                .withHome(new FermionHome(home))
                .withParallelism(2)
                .withTracking(registration == null ? tracking : tracking.registering(registration));
        RunResult result = new LocalRunner(options).run(pipeline.plan(), params);
        assertThat(result.succeeded()).as(RunStore.toJson(result.record())).isTrue();
        assertThat(result.tracking().summary().complete()).isTrue();
        return result;
    }

    /** A metric as the runs table shows it: at most 3 decimals. */
    private static String shown(String value) {
        return new java.math.BigDecimal(value)
                .setScale(3, java.math.RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString();
    }

    private static String runIdOf(String runUrl) {
        return runUrl.replaceAll(".*/runs/([0-9a-f]+).*", "$1");
    }
}
