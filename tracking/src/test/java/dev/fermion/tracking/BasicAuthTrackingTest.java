package dev.fermion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.contract.TrackingEnv;
import dev.fermion.tracking.delivery.RunRef;
import dev.fermion.tracking.delivery.Spool;
import dev.fermion.tracking.mlflow.Metric;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.MlflowCredentials;
import dev.fermion.tracking.mlflow.MlflowException;
import dev.fermion.tracking.mlflow.RetryPolicy;
import dev.fermion.tracking.mlflow.RunInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tracking into a real MLflow server that runs MLflow's basic-auth app. */
class BasicAuthTrackingTest {
    private static final String USER = "fermion";
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static MlflowServer server;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        server = MlflowServer.startWithBasicAuth(
                Path.of("target", "mlflow-auth-" + UUID.randomUUID()).toAbsolutePath(), USER, PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static MlflowClient client(MlflowCredentials credentials) {
        return new MlflowClient(server.uri(), credentials, RetryPolicy.defaults());
    }

    @Test
    void withTheUsersPasswordRunsMetricsAndArtifactsArrive(@TempDir Path dir) throws Exception {
        MlflowClient client = client(MlflowCredentials.basic(USER, PASSWORD));
        String experiment = client.experimentId("auth-" + UUID.randomUUID());
        RunInfo run = client.createRun(experiment, "train", 1, List.of());
        Files.writeString(dir.resolve("report.txt"), "accuracy 0.97");

        client.log(run.runId(), List.of(new Metric("accuracy", 0.97, 2, 0)), List.of(), List.of());
        client.uploadArtifact(run.artifactUri(), "report.txt", dir.resolve("report.txt"));

        assertThat(client.metricHistory(run.runId(), "accuracy"))
                .extracting(Metric::value)
                .containsExactly(0.97);
        assertThat(new String(client.downloadArtifact(run.artifactUri(), "report.txt"), StandardCharsets.UTF_8))
                .isEqualTo("accuracy 0.97");
    }

    @Test
    void withoutCredentialsTheErrorSaysWhatToSet() {
        assertThatThrownBy(() -> client(MlflowCredentials.none()).experimentId("auth-" + UUID.randomUUID()))
                .isInstanceOfSatisfying(MlflowException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.transientFailure()).isFalse();
                })
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining(
                        "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN");
    }

    @Test
    void aWrongPasswordIsRefusedAndNeverShown() {
        String wrong = "not-" + PASSWORD;

        assertThatThrownBy(() -> client(MlflowCredentials.basic(USER, wrong)).experimentId("auth-" + UUID.randomUUID()))
                .isInstanceOf(MlflowException.class)
                .hasMessageContaining("refused the credentials of MlflowCredentials[user fermion]")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain(PASSWORD));
    }

    @Test
    void aRunWithoutCredentialsIsSpooledWholeAndSyncedOnceTheyAreGiven() {
        String experiment = "spooled-" + UUID.randomUUID();
        MlflowTracker tracker = new MlflowTracker(TrackingOptions.of(server.uri(), MlflowCredentials.none(), home));
        String runId = "run-" + UUID.randomUUID();

        tracker.runStarted(Plans.plan("demo", experiment), runId, Map.of("epochs", "3"));
        TrackingSummary summary = tracker.runFinished(StepOutcome.SUCCEEDED);

        assertThat(summary.spooled())
                .as("refused operations wait in the spool, none are dropped")
                .isPositive();
        assertThat(summary.rejected()).isZero();
        Spool.ReplayResult synced =
                MlflowTracker.sync(TrackingOptions.of(server.uri(), MlflowCredentials.basic(USER, PASSWORD), home));
        assertThat(synced.remaining()).isZero();
        assertThat(synced.rejected()).isZero();
        MlflowClient client = client(MlflowCredentials.basic(USER, PASSWORD));
        assertThat(client.findRunsByTag(client.experimentId(experiment), RunRef.KEY_TAG, runId))
                .singleElement()
                .satisfies(run -> {
                    assertThat(run.params()).containsEntry("epochs", "3");
                    assertThat(run.status()).isEqualTo("FINISHED");
                });
    }

    @Test
    void aPlainStartReusesTheRunningServerWithAuth() {
        assertThat(server.local().start()).isEqualTo(server.uri());
        assertThat(server.local().startWithBasicAuth(USER, PASSWORD, null)).isEqualTo(server.uri());
    }

    @Test
    void aPodTracksWithTheCredentialsItsEnvironmentGives() {
        String experiment = "pod-auth-" + UUID.randomUUID();
        String uid = UUID.randomUUID().toString();
        PodTracker tracker = PodTracker.fromEnv(
                        Map.of(
                                TrackingEnv.URI,
                                server.uri().toString(),
                                TrackingEnv.EXPERIMENT,
                                experiment,
                                TrackingEnv.WORKFLOW_UID,
                                uid,
                                TrackingEnv.USERNAME,
                                USER,
                                TrackingEnv.PASSWORD,
                                PASSWORD),
                        "demo",
                        home)
                .orElseThrow();

        TrackingSummary summary = tracker.finish("demo", "Succeeded", Map.of());

        assertThat(summary.complete()).isTrue();
        MlflowClient client = client(MlflowCredentials.basic(USER, PASSWORD));
        assertThat(client.findRunsByTag(client.experimentId(experiment), RunRef.KEY_TAG, "argo:" + uid))
                .singleElement()
                .satisfies(run -> assertThat(run.status()).isEqualTo("FINISHED"));
    }
}
