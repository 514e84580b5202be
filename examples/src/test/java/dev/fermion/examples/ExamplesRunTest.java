package dev.fermion.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fermion.contract.Home;
import dev.fermion.deploy.local.LocalDeployments;
import dev.fermion.examples.iris.IrisPipeline;
import dev.fermion.examples.nightly.NightlyRetrainPipeline;
import dev.fermion.examples.sweep.SweepPipeline;
import dev.fermion.examples.volumes.SharedVolumePipeline;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.runtime.local.LocalRunner;
import dev.fermion.runtime.local.RunOptions;
import dev.fermion.runtime.local.RunResult;
import dev.fermion.runtime.local.RunSetupException;
import dev.fermion.runtime.local.RunStore;
import dev.fermion.runtime.local.StepRecord;
import dev.fermion.runtime.local.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples, run for real on this machine with the settings a user gets by default: every example runs
 * locally and passes, except those that by nature need a cluster, whose local run is refused before it starts.
 */
class ExamplesRunTest {
    /** The examples a local run refuses: their steps create Kubernetes objects (claims, snapshots). */
    private static final List<String> NEED_A_CLUSTER = List.of("shared-volume");
    /** The examples run here; every registered one is. */
    private static final List<String> RUN_HERE = List.of("iris", "sweep", "nightly-retrain");

    private static final String IRIS_CSV =
            Path.of("data/iris.csv").toAbsolutePath().toString();

    @TempDir
    Path home;

    private String previousHome;

    @BeforeEach
    void useTheTestsHome() {
        // Deploy steps find local deployments under the Fermion home, as 'fermion run --home' sets it.
        previousHome = System.setProperty(Home.PROPERTY, home.toString());
    }

    @AfterEach
    void stopServersAndRestoreTheHome() {
        LocalDeployments deployments = new LocalDeployments(home);
        deployments.list().forEach(d -> deployments.stop(d.name()));
        if (previousHome == null) {
            System.clearProperty(Home.PROPERTY);
        } else {
            System.setProperty(Home.PROPERTY, previousHome);
        }
    }

    /** As {@code fermion run} runs a pipeline without options: in-process, one step per core, cached. */
    private RunResult runWithTheDefaults(dev.fermion.dsl.Pipeline pipeline, Map<String, String> params) {
        return new LocalRunner(RunOptions.defaults().withHome(new FermionHome(home))).run(pipeline.plan(), params);
    }

    private RunResult run(dev.fermion.dsl.Pipeline pipeline, int parallelism, Map<String, String> params) {
        RunOptions options =
                RunOptions.defaults().withHome(new FermionHome(home)).withParallelism(parallelism);
        return new LocalRunner(options).run(pipeline.plan(), params);
    }

    /** Two training steps at once in one JVM: what the default parallelism of a 2-core machine does. */
    @Test
    void theSweepTrainsItsTrialsConcurrentlyAndPicksTheBest() {
        RunResult result = run(SweepPipeline.sweep(), 2, Map.of("source", IRIS_CSV, "epochs", "40"));

        assertThat(result.succeeded()).as(RunStore.toJson(result.record())).isTrue();
        List<StepRecord> trials = result.record().steps().values().stream()
                .filter(s -> s.path().matches("grid/\\d+/trial"))
                .toList();
        assertThat(trials).hasSize(5);
        boolean overlapped = trials.stream()
                .anyMatch(a -> trials.stream()
                        .anyMatch(b -> !a.path().equals(b.path())
                                && a.startOrder() < b.endOrder()
                                && b.startOrder() < a.endOrder()));
        assertThat(overlapped)
                .as("at least two trials trained at the same time")
                .isTrue();
        String best = result.step("pick-best").outputs().get("best");
        StepRecord winner = trials.stream()
                .min(java.util.Comparator.comparingDouble(
                        t -> Double.parseDouble(t.outputs().get("best-validation-loss"))))
                .orElseThrow();
        assertThat(result.record().results())
                .containsOnlyKeys("best-learning-rate", "best-validation-loss", "accuracy")
                .containsEntry("best-learning-rate", best);
        assertThat(result.step("train-best").digests().get("model"))
                .as("train-best with rate %s retrains the winning trial's model exactly", best)
                .isEqualTo(winner.digests().get("model"));
    }

    /**
     * After the first run nothing is computed again: the source is digested and unchanged, every result is
     * cached, and only the deploy step runs, because it acts outside the pipeline, and finds the model it
     * deployed already serving.
     */
    @Test
    void irisRunThreeTimesComputesOnceAndThenOnlyFindsItsDeploymentUpToDate() {
        Map<String, String> params = Map.of("source", IRIS_CSV, "keep-running", "true");
        RunResult first = run(IrisPipeline.iris(), 2, params);
        RunResult second = run(IrisPipeline.iris(), 2, params);
        RunResult third = run(IrisPipeline.iris(), 2, params);

        assertThat(first.succeeded()).as(RunStore.toJson(first.record())).isTrue();
        for (String step : List.of("prepare", "train", "evaluate", "deploy")) {
            assertThat(first.step(step).cacheHit()).as(step).isFalse();
            assertThat(first.step(step).attempts()).as(step).hasSize(1);
        }
        assertThat(first.step("deploy").outputs()).containsEntry("up-to-date", "false");
        for (RunResult again : List.of(second, third)) {
            assertThat(again.succeeded()).as(RunStore.toJson(again.record())).isTrue();
            for (String step : List.of("prepare", "train", "evaluate")) {
                assertThat(again.step(step).cacheHit()).as(step).isTrue();
                assertThat(again.step(step).attempts()).as(step).isEmpty();
                assertThat(again.step(step).digests())
                        .as(step)
                        .isEqualTo(first.step(step).digests());
            }
            assertThat(again.step("deploy").cacheHit()).isFalse();
            assertThat(again.step("deploy").outputs())
                    .containsEntry("up-to-date", "true")
                    .containsEntry("endpoint", first.step("deploy").outputs().get("endpoint"));
        }
    }

    @Test
    void everyRegisteredExampleIsRunHereOrNeedsACluster() {
        assertThat(ExamplesCompileTest.examples().keySet())
                .containsExactlyInAnyOrderElementsOf(
                        java.util.stream.Stream.concat(RUN_HERE.stream(), NEED_A_CLUSTER.stream())
                                .toList());
    }

    /**
     * With its own defaults (the packaged iris data, a GPU asked for but not required), the nightly retrain
     * trains on the CPU, passes its quality bar, promotes the model and reports the run as succeeded.
     */
    @Test
    void theNightlyRetrainRunsWithItsDefaultsPromotesTheModelAndReportsSuccess() {
        RunResult result = runWithTheDefaults(NightlyRetrainPipeline.nightlyRetrain(), Map.of());

        assertThat(result.succeeded()).as(RunStore.toJson(result.record())).isTrue();
        for (String step : List.of("prepare", "train", "evaluate", "promote", "report")) {
            assertThat(result.step(step).status()).as(step).isEqualTo(StepStatus.SUCCEEDED);
        }
        assertThat(result.step("prepare").outputs()).containsEntry("rows", "150");
        assertThat(Double.parseDouble(result.step("evaluate").outputs().get("accuracy")))
                .isGreaterThanOrEqualTo(0.93);
        Path published = Path.of(result.step("promote").outputs().get("location"));
        assertThat(published)
                .as("published under the home's models, as the run's version of iris-nightly")
                .startsWith(home)
                .endsWith(Path.of("iris-nightly", result.runId()))
                .isDirectory();
        assertThat(result.step("report").outputs())
                .containsEntry("summary", "nightly-retrain run " + result.runId() + " ended: Succeeded")
                .containsEntry("needs-attention", "false");
    }

    /** The sweep with every default (the packaged data, five rates, 150 epochs), as {@code fermion run sweep}. */
    @Test
    void theSweepRunsWithItsDefaults() {
        RunResult result = runWithTheDefaults(SweepPipeline.sweep(), Map.of());

        assertThat(result.succeeded()).as(RunStore.toJson(result.record())).isTrue();
        assertThat(result.record().steps().values())
                .filteredOn(s -> StepRecord.STEP.equals(s.kind()))
                .extracting(StepRecord::status)
                .containsOnly(StepStatus.SUCCEEDED);
        assertThat(result.record().steps().keySet())
                .filteredOn(p -> p.matches("grid/\\d+/trial"))
                .hasSize(5);
        assertThat(result.record().results())
                .containsOnlyKeys("best-learning-rate", "best-validation-loss", "accuracy")
                .containsEntry(
                        "best-learning-rate", result.step("pick-best").outputs().get("best"));
        assertThat(Double.parseDouble(result.record().results().get("accuracy")))
                .isGreaterThanOrEqualTo(0.9);
    }

    /**
     * With its defaults the iris pipeline trains, passes its bar and deploys a local endpoint, marked to be
     * stopped when the run ends ({@code fermion run} stops it then; keep-running is false by default).
     */
    @Test
    void irisRunsWithItsDefaultsAndDeploys() {
        RunResult result = runWithTheDefaults(IrisPipeline.iris(), Map.of());

        assertThat(result.succeeded()).as(RunStore.toJson(result.record())).isTrue();
        for (String step : List.of("prepare", "train", "evaluate", "deploy")) {
            assertThat(result.step(step).status()).as(step).isEqualTo(StepStatus.SUCCEEDED);
        }
        assertThat(new LocalDeployments(home).list()).singleElement().satisfies(d -> {
            assertThat(List.of(d.name(), d.runId(), d.url() + "/v2/models/iris"))
                    .containsExactly(
                            "iris",
                            result.runId(),
                            result.step("deploy").outputs().get("endpoint"));
            assertThat(d.keepRunning()).isFalse();
        });
    }

    /**
     * The shared-volume example creates claims and a snapshot, which need a cluster: without a kubeconfig its
     * local run stops before any step, naming the first such step and what to do. The cluster is named before
     * the script step's image, which this machine cannot pull: no option of a local run stands in for it.
     */
    @Test
    void sharedVolumeNeedsAClusterAndItsLocalRunIsRefusedBeforeAnyStep() {
        assumeTrue(
                System.getenv("KUBECONFIG") == null
                        && !Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config")),
                "this machine has a kubeconfig");
        RunOptions options = RunOptions.defaults().withHome(new FermionHome(home));

        assertThatThrownBy(() -> new LocalRunner(options)
                        .run(SharedVolumePipeline.sharedVolume().plan(), Map.of()))
                .isInstanceOf(RunSetupException.class)
                .hasMessageStartingWith("pipeline 'shared-volume', step 'staging' creates a Kubernetes object, which "
                        + "needs a cluster")
                .hasMessageContaining("point KUBECONFIG at a cluster's kubeconfig");
        assertThat(new RunStore(new FermionHome(home)).list(new java.util.ArrayList<>()))
                .as("no run was started")
                .isEmpty();
    }
}
