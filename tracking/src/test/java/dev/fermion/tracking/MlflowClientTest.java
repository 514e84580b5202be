package dev.fermion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.tracking.mlflow.ArtifactFile;
import dev.fermion.tracking.mlflow.LoggedModel;
import dev.fermion.tracking.mlflow.Metric;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.MlflowCredentials;
import dev.fermion.tracking.mlflow.MlflowException;
import dev.fermion.tracking.mlflow.ModelVersion;
import dev.fermion.tracking.mlflow.Param;
import dev.fermion.tracking.mlflow.RetryPolicy;
import dev.fermion.tracking.mlflow.RunInfo;
import dev.fermion.tracking.mlflow.RunStatus;
import dev.fermion.tracking.mlflow.Tag;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MlflowServerFixture.class)
class MlflowClientTest {
    private MlflowClient client;
    private String experiment;

    @BeforeEach
    void connect(MlflowServer server) {
        client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        experiment = client.experimentId("client-test-" + UUID.randomUUID());
    }

    @Test
    void experimentLookupCreatesOnceThenFinds() {
        String name = "exp-" + UUID.randomUUID();
        String id = client.experimentId(name);

        assertThat(client.experimentId(name)).isEqualTo(id);
    }

    @Test
    void nestedRunsCarryNameParentAndStatus() {
        RunInfo parent = client.createRun(experiment, "pipeline", 1000, List.of(new Tag("fermion.pipeline", "p")));
        RunInfo child =
                client.createRun(experiment, "train", 1100, List.of(new Tag("mlflow.parentRunId", parent.runId())));
        client.endRun(child.runId(), RunStatus.FAILED, 1200);
        client.endRun(parent.runId(), RunStatus.KILLED, 1300);

        RunInfo c = client.getRun(child.runId());
        assertThat(c.runName()).isEqualTo("train");
        assertThat(c.tags())
                .containsEntry("mlflow.parentRunId", parent.runId())
                .containsEntry("mlflow.runName", "train");
        assertThat(c.status()).isEqualTo("FAILED");
        assertThat(c.endTime()).isEqualTo(1200);
        assertThat(client.getRun(parent.runId()).status()).isEqualTo("KILLED");
        assertThat(client.findRunsByTag(experiment, "mlflow.parentRunId", parent.runId()))
                .extracting(RunInfo::runId)
                .containsExactly(child.runId());
    }

    @Test
    void thousandsOfMetricsAndManyParamsArriveComplete() {
        RunInfo run = client.createRun(experiment, "batchy", 1, List.of());
        List<Metric> metrics = IntStream.range(0, 2_500)
                .mapToObj(i -> new Metric("loss", 1.0 / (i + 1), 10_000L + i, i))
                .toList();
        List<Param> params = IntStream.range(0, 150)
                .mapToObj(i -> new Param("p" + i, "v" + i))
                .toList();

        client.log(run.runId(), metrics, params, List.of(new Tag("kind", "test")));

        assertThat(client.metricHistory(run.runId(), "loss")).containsExactlyInAnyOrderElementsOf(metrics);
        RunInfo stored = client.getRun(run.runId());
        assertThat(stored.params()).hasSize(150).containsEntry("p149", "v149");
        assertThat(stored.tags()).containsEntry("kind", "test");
    }

    @Test
    void changingAParamIsRejectedAsAPermanentFailure() {
        RunInfo run = client.createRun(experiment, "params", 1, List.of());
        client.log(run.runId(), List.of(), List.of(new Param("lr", "0.1")), List.of());
        client.log(run.runId(), List.of(), List.of(new Param("lr", "0.1")), List.of());

        assertThatThrownBy(() -> client.log(run.runId(), List.of(), List.of(new Param("lr", "0.2")), List.of()))
                .isInstanceOfSatisfying(MlflowException.class, e -> {
                    assertThat(e.transientFailure()).isFalse();
                    assertThat(e.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
                });
    }

    @Test
    void artifactsAreUploadedListedAndDownloaded(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("sub dir"));
        Files.writeString(dir.resolve("report.txt"), "accuracy 0.97");
        Files.writeString(dir.resolve("sub dir/data.csv"), "a,b\n1,2\n");
        RunInfo run = client.createRun(experiment, "artifacts", 1, List.of());

        client.uploadDirectory(run.artifactUri(), "report", dir);

        assertThat(client.listArtifacts(run.artifactUri(), "report"))
                .extracting(ArtifactFile::path, ArtifactFile::directory)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("report.txt", false),
                        org.assertj.core.groups.Tuple.tuple("sub dir", true));
        assertThat(new String(
                        client.downloadArtifact(run.artifactUri(), "report/sub dir/data.csv"), StandardCharsets.UTF_8))
                .isEqualTo("a,b\n1,2\n");
    }

    @Test
    void loggedModelIsRegisteredAndAliased(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("weights.bin"), "0101");
        RunInfo run = client.createRun(experiment, "train", 1, List.of());
        LoggedModel model = client.createLoggedModel(
                experiment,
                "classifier",
                run.runId(),
                "djl",
                List.of(new Tag("fermion.key", "k-" + UUID.randomUUID())));
        client.uploadDirectory(model.artifactUri(), "", dir);
        client.logModelOutput(run.runId(), model.modelId(), 0);
        LoggedModel ready = client.finalizeLoggedModel(model.modelId(), true);

        assertThat(ready.status()).isEqualTo("LOGGED_MODEL_READY");
        assertThat(ready.sourceRunId()).isEqualTo(run.runId());
        assertThat(client.listArtifacts(model.artifactUri(), ""))
                .extracting(ArtifactFile::path)
                .containsExactly("weights.bin");
        assertThat(client.findLoggedModelsByTag(
                        experiment, "fermion.key", model.tags().get("fermion.key")))
                .extracting(LoggedModel::modelId)
                .containsExactly(model.modelId());

        String name = "reg-" + UUID.randomUUID();
        client.ensureRegisteredModel(name);
        client.ensureRegisteredModel(name);
        ModelVersion version = client.createModelVersion(name, ready);
        client.setAlias(name, "champion", version.version());

        ModelVersion champion = client.versionByAlias(name, "champion");
        assertThat(champion.version()).isEqualTo(version.version());
        assertThat(champion.source()).isEqualTo("models:/" + model.modelId());
        assertThat(champion.aliases()).contains("champion");
        assertThat(client.modelVersions(name)).hasSize(1);
    }
}
