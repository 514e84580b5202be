package dev.fermion.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.contract.Home;
import dev.fermion.deploy.local.LocalDeployments;
import dev.fermion.examples.iris.IrisPipeline;
import dev.fermion.examples.sweep.SweepPipeline;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.runtime.local.LocalRunner;
import dev.fermion.runtime.local.RunOptions;
import dev.fermion.runtime.local.RunResult;
import dev.fermion.runtime.local.RunStore;
import dev.fermion.runtime.local.StepRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples, run for real on this machine with the settings a user gets by default. */
class ExamplesRunTest {
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
}
