package dev.fermion.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.contract.TrackingEnv;
import dev.fermion.tracking.delivery.MlflowWriter;
import dev.fermion.tracking.delivery.RunRef;
import dev.fermion.tracking.delivery.TrackingOp;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.MlflowCredentials;
import dev.fermion.tracking.mlflow.RetryPolicy;
import dev.fermion.tracking.mlflow.RunInfo;
import dev.fermion.tracking.mlflow.Tag;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MlflowServerFixture.class)
class PodTrackerTest {
    @TempDir
    Path home;

    private MlflowServer server;
    private MlflowClient client;
    private String experiment;
    private String experimentId;
    private String uid;

    @BeforeEach
    void connect(MlflowServer server) {
        this.server = server;
        client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        experiment = "pod-" + UUID.randomUUID();
        experimentId = client.experimentId(experiment);
        uid = UUID.randomUUID().toString();
    }

    private PodTracker tracker() {
        return PodTracker.fromEnv(
                        Map.of(
                                TrackingEnv.URI,
                                server.uri().toString(),
                                TrackingEnv.EXPERIMENT,
                                experiment,
                                TrackingEnv.WORKFLOW_UID,
                                uid,
                                TrackingEnv.WORKFLOW_NAME,
                                "demo-abcde"),
                        "demo",
                        home)
                .orElseThrow();
    }

    @Test
    void aLongStepPathKeepsItsStartAndEndsWithADigestThatTellsItApart() {
        String item = "{\"layers\":[" + "128,".repeat(60) + "64]}";
        String one = PodTracker.bounded("grid/" + item + "/trial");
        String other = PodTracker.bounded("grid/" + item.replace("64", "32") + "/trial");

        assertThat(PodTracker.bounded("grid/0.01/trial")).isEqualTo("grid/0.01/trial");
        assertThat(one).hasSize(200).startsWith("grid/{\"layers\":[128,").isNotEqualTo(other);
        assertThat(PodTracker.bounded("grid/" + item + "/trial")).isEqualTo(one);
    }

    @Test
    void withoutTheWorkflowSettingsThereIsNoTracker() {
        assertThat(PodTracker.fromEnv(Map.of(TrackingEnv.URI, server.uri().toString()), "demo", home))
                .isEmpty();
        assertThat(PodTracker.fromEnv(Map.of(TrackingEnv.WORKFLOW_UID, uid), "demo", home))
                .isEmpty();
    }

    @Test
    void finishingAWorkflowWhoseStepsNeverTrackedCreatesAndEndsItsParentRun() {
        TrackingSummary summary = tracker().finish("demo", "Error", Map.of());

        assertThat(summary.complete()).isTrue();
        assertThat(client.findRunsByTag(experimentId, RunRef.KEY_TAG, "argo:" + uid))
                .singleElement()
                .satisfies(run -> {
                    assertThat(run.status()).isEqualTo("FAILED");
                    assertThat(run.runName()).isEqualTo("demo-abcde");
                });
    }

    @Test
    void mergingMovesTheChildrenOfARacingDuplicateUnderTheOldestParentAndClosesIt() {
        List<Tag> key = List.of(new Tag(RunRef.KEY_TAG, "argo:" + uid));
        RunInfo older = client.createRun(experimentId, "demo-abcde", 1_000L, key);
        RunInfo newer = client.createRun(experimentId, "demo-abcde", 2_000L, key);
        RunInfo child =
                client.createRun(experimentId, "train", 2_000L, List.of(new Tag("mlflow.parentRunId", newer.runId())));

        new TrackingOp.MergeDuplicates(tracker().parent()).applyTo(new MlflowWriter(client));

        assertThat(client.getRun(child.runId()).tags()).containsEntry("mlflow.parentRunId", older.runId());
        RunInfo closed = client.getRun(newer.runId());
        assertThat(closed.status()).isEqualTo("KILLED");
        assertThat(closed.tags()).containsEntry(MlflowWriter.DUPLICATE_TAG, older.runId());
        assertThat(client.getRun(older.runId()).status()).isEqualTo("RUNNING");
    }

    @Test
    void theFinaliserEndsTheKeptParentAndLeavesNoSecondOne() {
        List<Tag> key = List.of(new Tag(RunRef.KEY_TAG, "argo:" + uid));
        RunInfo older = client.createRun(experimentId, "demo-abcde", 1_000L, key);
        RunInfo newer = client.createRun(experimentId, "demo-abcde", 2_000L, key);

        tracker().finish("demo", "Succeeded", Map.of());

        assertThat(client.getRun(older.runId()).status()).isEqualTo("FINISHED");
        assertThat(client.getRun(newer.runId()).status()).isEqualTo("KILLED");
    }
}
