package dev.fermion.runtime.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;
import dev.fermion.runtime.fixtures.Steps;
import dev.fermion.tracking.SharedMlflowServer;
import dev.fermion.tracking.delivery.RunRef;
import dev.fermion.tracking.mlflow.LoggedModel;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.MlflowCredentials;
import dev.fermion.tracking.mlflow.RetryPolicy;
import dev.fermion.tracking.mlflow.RunInfo;
import dev.fermion.tracking.mlflow.Tag;
import dev.fermion.types.Model;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steps of one workflow run as separate launcher processes would in their pods, with the environment the
 * compiler gives them, against a real MLflow server: they must meet in one parent run.
 */
@ExtendWith(SharedMlflowServer.class)
class PodTrackingTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    public static final class Fit extends Component {
        public static final Input<Double> RATE = input("rate", Double.class);
        public static final Output<Model> MODEL = output("model", Model.class);

        @Override
        protected void run(StepContext ctx) throws Exception {
            Files.writeString(ctx.output(MODEL).path().resolve("weights.bin"), "w");
            ctx.metric("loss", 0.5, 0);
            ctx.metric("loss", 0.25, 1);
        }
    }

    @Test
    void stepsInSeparatePodsBecomeChildrenOfOneParentRunThatTheExitHandlerFinishes(SharedMlflowServer.Server server) {
        String experiment = "pods-" + UUID.randomUUID();
        Map<String, String> env = env(server, experiment, UUID.randomUUID().toString());

        assertThat(launch(
                        env,
                        "prepare",
                        Steps.WriteText.class,
                        "--param",
                        "text=abcd",
                        "--output-artifact",
                        "data=" + dir.resolve("prepare/artifacts/data")))
                .isEqualTo(StepLauncher.OK);
        assertThat(launch(
                        env,
                        "train",
                        Fit.class,
                        "--param",
                        "rate=0.1",
                        "--output-artifact",
                        "model=" + dir.resolve("train/artifacts/model")))
                .isEqualTo(StepLauncher.OK);
        assertThat(StepLauncher.run(
                        List.of(StepLauncher.FINISH_TRACKING, "demo", "Succeeded"),
                        getClass().getClassLoader(),
                        System.out,
                        stream(err),
                        env,
                        dir.resolve("home")))
                .isEqualTo(StepLauncher.OK);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();

        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        String experimentId = client.experimentId(experiment);
        List<RunInfo> parents =
                client.findRunsByTag(experimentId, RunRef.KEY_TAG, "argo:" + env.get("FERMION_WORKFLOW_UID"));
        assertThat(parents).hasSize(1);
        RunInfo parent = parents.get(0);
        assertThat(parent.status()).isEqualTo("FINISHED");
        assertThat(parent.tags())
                .containsEntry("argo.workflow.name", "demo-x7k2p")
                .containsEntry("argo.workflow.uid", env.get("FERMION_WORKFLOW_UID"));

        List<RunInfo> children = client.findRunsByTag(experimentId, "mlflow.parentRunId", parent.runId());
        assertThat(children).extracting(RunInfo::runName).containsExactlyInAnyOrder("prepare", "train");
        RunInfo prepare = children.stream()
                .filter(r -> r.runName().equals("prepare"))
                .findFirst()
                .orElseThrow();
        RunInfo train = children.stream()
                .filter(r -> r.runName().equals("train"))
                .findFirst()
                .orElseThrow();
        assertThat(prepare.status()).isEqualTo("FINISHED");
        assertThat(prepare.params()).containsEntry("text", "abcd");
        assertThat(prepare.metrics()).containsEntry("length", 4.0);
        assertThat(train.params()).containsEntry("rate", "0.1");
        assertThat(client.metricHistory(train.runId(), "loss"))
                .extracting(m -> m.value())
                .containsExactly(0.5, 0.25);
        assertThat(client.findLoggedModelsByTag(experimentId, "fermion.step", "train"))
                .singleElement()
                .satisfies(m -> assertThat(m.status()).isEqualTo("LOGGED_MODEL_READY"));
    }

    @Test
    void aCacheHitInALaterWorkflowBecomesACachedChildRunLinkedToTheRunThatMadeItsOutputs(
            SharedMlflowServer.Server server) throws Exception {
        String experiment = "pods-" + UUID.randomUUID();
        String firstUid = UUID.randomUUID().toString();
        Path trackedRun = dir.resolve("train/tracked-run");
        Files.createDirectories(trackedRun.getParent());
        Map<String, String> first = new HashMap<>(env(server, experiment, firstUid));
        first.put("FERMION_TRACKED_RUN_FILE", trackedRun.toString());
        assertThat(launch(
                        first,
                        "train",
                        Fit.class,
                        "--param",
                        "rate=0.1",
                        "--output-artifact",
                        "model=" + dir.resolve("train/artifacts/model")))
                .isEqualTo(StepLauncher.OK);
        assertThat(trackedRun).hasContent(firstUid);
        finish(first, "Succeeded");

        // The second workflow's train was a memoize hit (Argo restored the first workflow's uid into its global
        // output); its prepare ran in the workflow itself, and evaluate never ran.
        String secondUid = UUID.randomUUID().toString();
        Map<String, String> second = env(server, experiment, secondUid);
        assertThat(launch(
                        second,
                        "prepare",
                        Steps.WriteText.class,
                        "--param",
                        "text=a",
                        "--output-artifact",
                        "data=" + dir.resolve("prepare/artifacts/data")))
                .isEqualTo(StepLauncher.OK);
        finish(second, "Succeeded", "train=" + firstUid, "prepare=" + secondUid, "evaluate=");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();

        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        String experimentId = client.experimentId(experiment);
        RunInfo firstTrain = onlyChild(client, experimentId, firstUid);
        RunInfo parent = client.findRunsByTag(experimentId, RunRef.KEY_TAG, "argo:" + secondUid)
                .get(0);
        List<RunInfo> children = client.findRunsByTag(experimentId, "mlflow.parentRunId", parent.runId());
        assertThat(children).extracting(RunInfo::runName).containsExactlyInAnyOrder("prepare", "train");
        RunInfo train = children.stream()
                .filter(r -> r.runName().equals("train"))
                .findFirst()
                .orElseThrow();
        assertThat(train.status()).isEqualTo("FINISHED");
        assertThat(train.tags())
                .containsEntry("fermion.cached", "true")
                .containsEntry("fermion.cached.sourceRun", "argo:" + firstUid)
                .containsEntry("fermion.cached.sourceMlflowRun", firstTrain.runId());
        assertThat(children.stream().filter(r -> r.runName().equals("prepare")))
                .singleElement()
                .satisfies(r -> assertThat(r.tags()).doesNotContainKey("fermion.cached"));
    }

    @Test
    void eachIterationOfALoopRunsAsItsPathAndGetsAChildRunOfItsOwn(SharedMlflowServer.Server server) {
        String experiment = "pods-" + UUID.randomUUID();
        String uid = UUID.randomUUID().toString();
        Map<String, String> env = env(server, experiment, uid);

        for (String rate : List.of("0.1", "0.2")) {
            assertThat(launch(
                            env,
                            "grid/" + rate + "/trial",
                            Fit.class,
                            "--param",
                            "rate=" + rate,
                            "--output-artifact",
                            "model=" + dir.resolve(rate + "/artifacts/model")))
                    .isEqualTo(StepLauncher.OK);
        }
        finish(env, "Succeeded");

        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        String experimentId = client.experimentId(experiment);
        RunInfo parent = client.findRunsByTag(experimentId, RunRef.KEY_TAG, "argo:" + uid)
                .get(0);
        List<RunInfo> children = client.findRunsByTag(experimentId, "mlflow.parentRunId", parent.runId());
        assertThat(children).extracting(RunInfo::runName).containsExactlyInAnyOrder("grid/0.1/trial", "grid/0.2/trial");
        assertThat(children)
                .allSatisfy(run -> assertThat(run.params().get("rate"))
                        .isEqualTo(run.runName().split("/")[1]));
        for (String rate : List.of("0.1", "0.2")) {
            assertThat(client.findLoggedModelsByTag(experimentId, "fermion.step", "grid/" + rate + "/trial"))
                    .as("each iteration's model is named by its step's path, as a local run names it")
                    .extracting(LoggedModel::name)
                    .containsExactly("grid-" + rate.replace('.', '_') + "-trial");
        }
    }

    @Test
    void theFinaliserRefusesAStepArgumentWithoutAWorkflowUid(SharedMlflowServer.Server server) {
        Map<String, String> env =
                env(server, "pods-" + UUID.randomUUID(), UUID.randomUUID().toString());

        assertThat(StepLauncher.run(
                        List.of(StepLauncher.FINISH_TRACKING, "demo", "Succeeded", "train"),
                        getClass().getClassLoader(),
                        System.out,
                        stream(err),
                        env,
                        dir.resolve("home")))
                .isEqualTo(StepLauncher.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("expects STEP=WORKFLOW_UID")
                .contains("'train'");
    }

    private void finish(Map<String, String> env, String status, String... ranIn) {
        List<String> args = new ArrayList<>(List.of(StepLauncher.FINISH_TRACKING, "demo", status));
        args.addAll(List.of(ranIn));
        assertThat(StepLauncher.run(
                        args, getClass().getClassLoader(), System.out, stream(err), env, dir.resolve("home")))
                .isEqualTo(StepLauncher.OK);
    }

    private static RunInfo onlyChild(MlflowClient client, String experimentId, String uid) {
        RunInfo parent = client.findRunsByTag(experimentId, RunRef.KEY_TAG, "argo:" + uid)
                .get(0);
        List<RunInfo> children = client.findRunsByTag(experimentId, "mlflow.parentRunId", parent.runId());
        assertThat(children).hasSize(1);
        return children.get(0);
    }

    @Test
    void aFailedWorkflowFailsTheParentRunAndAFailedStepItsChild(SharedMlflowServer.Server server) {
        String experiment = "pods-" + UUID.randomUUID();
        Map<String, String> env = env(server, experiment, UUID.randomUUID().toString());

        assertThat(launch(env, "boom", Steps.Fail.class)).isEqualTo(StepLauncher.STEP_FAILED);
        StepLauncher.run(
                List.of(StepLauncher.FINISH_TRACKING, "demo", "Failed"),
                getClass().getClassLoader(),
                System.out,
                stream(err),
                env,
                dir.resolve("home"));

        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        String experimentId = client.experimentId(experiment);
        RunInfo parent = client.findRunsByTag(experimentId, RunRef.KEY_TAG, "argo:" + env.get("FERMION_WORKFLOW_UID"))
                .get(0);
        assertThat(parent.status()).isEqualTo("FAILED");
        assertThat(client.findRunsByTag(experimentId, "mlflow.parentRunId", parent.runId()))
                .singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo("FAILED"));
    }

    @Test
    void everyPodAttachesToTheOldestParentWhenAConcurrentStartCreatedTwo(SharedMlflowServer.Server server) {
        String experiment = "pods-" + UUID.randomUUID();
        String uid = UUID.randomUUID().toString();
        Map<String, String> env = env(server, experiment, uid);
        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        String experimentId = client.experimentId(experiment);
        List<Tag> key = List.of(new Tag(RunRef.KEY_TAG, "argo:" + uid));
        RunInfo newer = client.createRun(experimentId, "demo-x7k2p", 2_000_000L, key);
        RunInfo older = client.createRun(experimentId, "demo-x7k2p", 1_000_000L, key);

        assertThat(launch(
                        env,
                        "prepare",
                        Steps.WriteText.class,
                        "--param",
                        "text=a",
                        "--output-artifact",
                        "data=" + dir.resolve("a")))
                .isEqualTo(StepLauncher.OK);

        assertThat(client.findRunsByTag(experimentId, "mlflow.parentRunId", older.runId()))
                .hasSize(1);
        assertThat(client.findRunsByTag(experimentId, "mlflow.parentRunId", newer.runId()))
                .isEmpty();
    }

    @Test
    void aStepSucceedsAndSpoolsItsTrackingWhenMlflowIsUnreachable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Map<String, String> env = Map.of(
                "MLFLOW_TRACKING_URI",
                "http://127.0.0.1:" + port,
                "FERMION_WORKFLOW_NAME",
                "demo-x7k2p",
                "FERMION_WORKFLOW_UID",
                UUID.randomUUID().toString());

        int exit = launch(
                env,
                "prepare",
                Steps.WriteText.class,
                "--param",
                "text=abc",
                "--output-artifact",
                "data=" + dir.resolve("prepare/artifacts/data"));

        assertThat(exit).isEqualTo(StepLauncher.OK);
        assertThat(dir.resolve("prepare/artifacts/data/text.txt")).hasContent("abc");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("warning: MLflow did not take")
                .contains("lost with the pod");
        try (Stream<Path> spooled = Files.list(dir.resolve("home/tracking/spool"))) {
            assertThat(spooled.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".jsonl"));
        }
    }

    @Test
    void halfAPairOfCredentialsLeavesTheStepUntrackedWithAWarningNeverFailed() {
        Map<String, String> env = Map.of(
                "MLFLOW_TRACKING_URI",
                "http://127.0.0.1:9",
                "FERMION_WORKFLOW_UID",
                UUID.randomUUID().toString(),
                "MLFLOW_TRACKING_USERNAME",
                "pipelines");

        int exit = launch(
                env,
                "prepare",
                Steps.WriteText.class,
                "--param",
                "text=abc",
                "--output-artifact",
                "data=" + dir.resolve("prepare/artifacts/data"));

        assertThat(exit).isEqualTo(StepLauncher.OK);
        assertThat(dir.resolve("prepare/artifacts/data/text.txt")).hasContent("abc");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("warning: not tracking this step in MLflow: "
                        + "MLFLOW_TRACKING_USERNAME is set but MLFLOW_TRACKING_PASSWORD is not");
        assertThat(dir.resolve("home/tracking/spool")).doesNotExist();
    }

    private int launch(Map<String, String> env, String step, Class<?> component, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--component",
                component.getName(),
                "--pipeline",
                "demo",
                "--step",
                step,
                "--run-id",
                env.get("FERMION_WORKFLOW_UID"),
                "--metrics",
                dir.resolve(step + "/metrics.jsonl").toString()));
        args.addAll(List.of(extra));
        return StepLauncher.run(
                args,
                getClass().getClassLoader(),
                stream(new ByteArrayOutputStream()),
                stream(err),
                env,
                dir.resolve("home"));
    }

    private static Map<String, String> env(SharedMlflowServer.Server server, String experiment, String uid) {
        return Map.of(
                "MLFLOW_TRACKING_URI",
                server.uri().toString(),
                "MLFLOW_EXPERIMENT_NAME",
                experiment,
                "FERMION_WORKFLOW_NAME",
                "demo-x7k2p",
                "FERMION_WORKFLOW_UID",
                uid);
    }

    private static PrintStream stream(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
