package dev.fermion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.plan.Plan;
import dev.fermion.tracking.delivery.Spool;
import dev.fermion.tracking.mlflow.Metric;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.MlflowCredentials;
import dev.fermion.tracking.mlflow.RetryPolicy;
import dev.fermion.tracking.mlflow.RunInfo;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow going away mid-run: nothing is lost, nothing arrives twice, and strict mode fails loudly. The server
 * that goes away is a {@link LocalMlflowServer}, whose start, reuse, status and stop are checked on the way
 * (one server start for both, as each costs seconds).
 */
class TrackingFaultTest {
    private static final RetryPolicy QUICK =
            new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(5));

    @TempDir
    Path home;

    private MlflowServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void metricsLoggedWhileMlflowIsDownAreSpooledAndReplayedExactlyOnce() throws Exception {
        Path data = Path.of("target", "mlflow-fault-" + UUID.randomUUID()).toAbsolutePath();
        server = MlflowServer.start(data);
        assertLocalServerRuns(data);
        TrackingOptions options = TrackingOptions.of(server.uri(), home).withRetry(QUICK);
        String experiment = "fault-" + UUID.randomUUID();
        Plan plan = Plans.plan("iris", experiment);
        String runId = "run-" + UUID.randomUUID();

        MlflowTracker tracker = new MlflowTracker(options);
        tracker.runStarted(plan, runId, Map.of("lr", "0.1"));
        tracker.stepStarted("train", Plans.component("com.example.Train"), Map.of("epochs", "1200"), List.of());
        for (int i = 0; i < 500; i++) {
            tracker.stepMetric("train", "loss", 1.0 / (i + 1), i, 5_000L + i);
        }
        assertThat(tracker.flush(Duration.ofMinutes(1))).isTrue();

        server.stop();
        assertThat(server.local().status()).as("a stopped server has no status").isEmpty();
        for (int i = 500; i < 1_200; i++) {
            tracker.stepMetric("train", "loss", 1.0 / (i + 1), i, 5_000L + i);
        }
        tracker.stepFinished("train", StepOutcome.SUCCEEDED, Map.of(), List.of(), false, null);
        tracker.stepStarted("evaluate", Plans.component("com.example.Evaluate"), Map.of("split", "0.2"), List.of());
        tracker.stepMetric("evaluate", "accuracy", 0.91, 0, 9_000L);
        tracker.stepFinished("evaluate", StepOutcome.SUCCEEDED, Map.of(), List.of(), false, null);
        TrackingSummary summary = tracker.runFinished(StepOutcome.SUCCEEDED);

        assertThat(summary.complete()).isFalse();
        assertThat(summary.spooled()).isPositive();
        assertThat(summary.rejected()).isZero();
        Spool spool = Spool.inHome(home);
        assertThat(spool.dir()).isEqualTo(summary.spoolDir());
        assertThat(spool.sessions()).hasSize(1);
        try (Stream<Path> files = Files.list(spool.dir())) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.endsWith(".jsonl"));
        }

        server.restart();
        assertThat(server.local().status()).as("restarted on the same port").contains(server.uri());
        Spool.ReplayResult replay = MlflowTracker.sync(options);

        assertThat(replay.remaining()).isZero();
        assertThat(replay.rejected()).isZero();
        assertThat(spool.sessions()).isEmpty();
        assertThat(MlflowTracker.sync(options).sent()).isZero();

        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        String experimentId = client.experimentId(experiment);
        RunInfo parent =
                client.findRunsByTag(experimentId, "fermion.key", runId).get(0);
        RunInfo train = client.findRunsByTag(experimentId, "fermion.key", runId + "/train")
                .get(0);
        List<RunInfo> evaluate = client.findRunsByTag(experimentId, "fermion.key", runId + "/evaluate");
        assertThat(parent.status()).isEqualTo("FINISHED");
        assertThat(train.status()).isEqualTo("FINISHED");
        assertThat(evaluate).hasSize(1);
        assertThat(evaluate.get(0).tags()).containsEntry("mlflow.parentRunId", parent.runId());
        assertThat(client.getRun(evaluate.get(0).runId()).params()).containsEntry("split", "0.2");
        assertThat(client.metricHistory(evaluate.get(0).runId(), "accuracy")).hasSize(1);
        List<Metric> loss = client.metricHistory(train.runId(), "loss");
        assertThat(loss).hasSize(1_200);
        assertThat(loss)
                .extracting(Metric::step)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, 1_200).mapToObj(i -> (long) i).toList());
    }

    /** A started local server listens on loopback only, says so, is reused by a second start, keeps its data in {@code data}. */
    private void assertLocalServerRuns(Path data) throws Exception {
        URI uri = server.uri();
        assertThat(uri.getHost()).isEqualTo("127.0.0.1");
        assertThat(server.local().status()).contains(uri);
        assertThat(server.local().start())
                .as("a second start reuses the running server")
                .isEqualTo(uri);
        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(uri + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(data.resolve("mlflow.db")).exists();
        assertThat(Files.isDirectory(data.resolve("artifacts"))).isTrue();
    }

    @Test
    void strictModeFailsTheRunWhenMlflowIsUnreachableAndStillKeepsTheData() throws IOException {
        TrackingOptions options =
                TrackingOptions.of(unusedLoopbackUri(), home).withRetry(QUICK).withStrict(true);
        MlflowTracker tracker = new MlflowTracker(options);

        assertThatThrownBy(() -> tracker.runStarted(Plans.plan("iris", "strict"), "run-1", Map.of("lr", "0.1")))
                .isInstanceOf(TrackingException.class)
                .hasMessageContaining("unreachable");
        assertThat(Spool.inHome(home).pendingCount()).isEqualTo(2);
    }

    @Test
    void lenientModeKeepsGoingWhenMlflowIsUnreachable() throws IOException {
        TrackingOptions options = TrackingOptions.of(unusedLoopbackUri(), home).withRetry(QUICK);
        MlflowTracker tracker = new MlflowTracker(options);

        tracker.runStarted(Plans.plan("iris", "lenient"), "run-1", Map.of());
        tracker.stepStarted("train", Plans.component("com.example.Train"), Map.of(), List.of());
        tracker.stepMetric("train", "loss", 0.5, 0, 1L);
        tracker.stepFinished("train", StepOutcome.SUCCEEDED, Map.of(), List.of(), false, null);
        TrackingSummary summary = tracker.runFinished(StepOutcome.SUCCEEDED);

        assertThat(summary.links().run()).isNull();
        assertThat(summary.spooled())
                .isEqualTo(Spool.inHome(home).pendingCount())
                .isPositive();
    }

    private static URI unusedLoopbackUri() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }
}
