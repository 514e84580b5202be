package dev.fermion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.tracking.SharedMlflowServer;
import dev.fermion.tracking.mlflow.LoggedModel;
import dev.fermion.tracking.mlflow.Metric;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.MlflowCredentials;
import dev.fermion.tracking.mlflow.ModelVersion;
import dev.fermion.tracking.mlflow.RetryPolicy;
import dev.fermion.tracking.mlflow.RunInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fermion run --mlflow} and {@code fermion mlflow sync} against a real MLflow server. */
@ExtendWith(SharedMlflowServer.class)
class MlflowTrackingTest {
    private static final String TRACKED = RunSamples.Tracked.class.getName();
    private static final Pattern RUN_ID = Pattern.compile("Run (\\d{8}-\\d{6}-[0-9a-f]{6}) of pipeline");
    private static final Pattern RUN_LINK = Pattern.compile("MLflow run: (\\S+)/#/experiments/(\\w+)/runs/(\\w+)");

    @TempDir
    Path home;

    record Result(int exit, String out, String err) {
        String runId() {
            Matcher m = RUN_ID.matcher(out);
            assertThat(m.find()).as("run id in: " + out).isTrue();
            return m.group(1);
        }

        /** The MLflow parent run the output links to. */
        String mlflowRunId() {
            Matcher m = RUN_LINK.matcher(out);
            assertThat(m.find()).as("MLflow run link in: " + out + err).isTrue();
            return m.group(3);
        }
    }

    private Result fermion(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--home", home.toString()));
        CliTest.Result r = CliTest.fermion(all.toArray(String[]::new));
        return new Result(r.exit(), r.out(), r.err());
    }

    private static Map<String, RunInfo> children(MlflowClient client, RunInfo parent) {
        return client.findRunsByTag(parent.experimentId(), "mlflow.parentRunId", parent.runId()).stream()
                .collect(Collectors.toMap(RunInfo::runName, Function.identity()));
    }

    @Test
    void aTrackedRunIsAParentRunWithAChildRunPerStepAndARegisteredModel(SharedMlflowServer.Server server)
            throws Exception {
        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        String registered = "tracked-" + UUID.randomUUID();

        Result r = fermion(
                "run",
                TRACKED,
                "-p",
                "epochs=4",
                "--mlflow",
                server.uri().toString(),
                "--register-as",
                registered + "@champion");

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        String runId = r.runId();
        RunInfo parent = client.getRun(r.mlflowRunId());
        assertThat(r.out())
                .contains("MLflow run: " + server.uri() + "/#/experiments/" + parent.experimentId() + "/runs/"
                        + parent.runId());
        assertThat(parent.runName()).isEqualTo("tracked-sample-" + runId);
        assertThat(parent.status()).isEqualTo("FINISHED");
        assertThat(parent.params()).containsEntry("epochs", "4").containsEntry("lr", "0.5");
        assertThat(parent.tags())
                .containsEntry("fermion.run", runId)
                .containsEntry("fermion.pipeline", "tracked-sample");

        Map<String, RunInfo> steps = children(client, parent);
        assertThat(steps).containsOnlyKeys("train", "evaluate");
        RunInfo train = client.getRun(steps.get("train").runId());
        assertThat(train.status()).isEqualTo("FINISHED");
        assertThat(train.params()).containsEntry("epochs", "4").containsEntry("lr", "0.5");
        assertThat(train.tags())
                .containsEntry("fermion.cached", "false")
                .containsEntry("fermion.component", RunSamples.Train.class.getName())
                .containsKey("fermion.output.accuracy");
        assertThat(client.metricHistory(train.runId(), "loss"))
                .extracting(Metric::step)
                .containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
        assertThat(client.metricHistory(train.runId(), "accuracy")).hasSize(4);

        JsonNode record = new ObjectMapper()
                .readTree(fermion("runs", "show", runId, "--json").out());
        String modelDigest =
                record.get("steps").get("train").get("digests").get("model").asText();
        RunInfo evaluate = client.getRun(steps.get("evaluate").runId());
        assertThat(evaluate.status()).isEqualTo("FINISHED");
        assertThat(evaluate.params()).containsEntry("model", modelDigest);
        assertThat(evaluate.tags()).containsKey("fermion.output.size");

        ModelVersion champion = client.versionByAlias(registered, "champion");
        LoggedModel model = client.getLoggedModel(champion.source().substring("models:/".length()));
        assertThat(model.sourceRunId()).isEqualTo(train.runId());
        assertThat(model.name()).as("named after the step that made it").isEqualTo("train");
        assertThat(r.out())
                .contains("MLflow model train/model: " + server.uri() + "/#/experiments/")
                .contains("Registered model train/model as " + registered + "@champion");

        Result again = fermion(
                "run", TRACKED, "-p", "epochs=4", "--mlflow", server.uri().toString());

        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("(2 steps, 2 cached)");
        RunInfo cachedParent = client.getRun(again.mlflowRunId());
        assertThat(cachedParent.runId()).isNotEqualTo(parent.runId());
        Map<String, RunInfo> cachedSteps = children(client, cachedParent);
        assertThat(cachedSteps).containsOnlyKeys("train", "evaluate");
        for (RunInfo step : cachedSteps.values()) {
            RunInfo full = client.getRun(step.runId());
            assertThat(full.status()).isEqualTo("FINISHED");
            assertThat(full.tags())
                    .containsEntry("fermion.cached", "true")
                    .containsEntry("fermion.cached.sourceRun", runId)
                    .containsEntry(
                            "fermion.cached.sourceMlflowRun",
                            steps.get(step.runName()).runId());
        }
        assertThat(client.metricHistory(cachedSteps.get("train").runId(), "loss"))
                .isEmpty();
    }

    @Test
    void aResumedRunFinishesItsMlflowRunAndRegistersTheModelItTrained(SharedMlflowServer.Server server)
            throws Exception {
        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        Path marker = home.resolve("open");
        String registered = "gated-" + UUID.randomUUID();
        Result failed = fermion(
                "run",
                RunSamples.Gated.class.getName(),
                "-p",
                "marker=" + marker,
                "--mlflow",
                server.uri().toString());
        assertThat(failed.exit()).isEqualTo(1);
        String runId = failed.runId();
        RunInfo parent = client.getRun(failed.mlflowRunId());
        assertThat(parent.status()).isEqualTo("FAILED");
        assertThat(children(client, parent).get("gate").status()).isEqualTo("FAILED");

        RunInfo failedGate = children(client, parent).get("gate");
        RunInfo trainBefore = children(client, parent).get("train");
        Files.createFile(marker);
        long resumedAt = System.currentTimeMillis();
        Result resumed = fermion(
                "run",
                "--resume",
                runId,
                "--mlflow",
                server.uri().toString(),
                "--register-as",
                registered + "@champion");

        assertThat(resumed.exit()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.mlflowRunId()).isEqualTo(parent.runId());
        assertThat(client.getRun(parent.runId()).status()).isEqualTo("FINISHED");
        Map<String, RunInfo> steps = children(client, parent);
        assertThat(steps).containsOnlyKeys("train", "gate", "gate (earlier attempt)");
        // The step that ran again has a run of its own, started when it started; the failed one stays as history.
        assertThat(steps.get("gate").startTime()).isGreaterThanOrEqualTo(resumedAt);
        assertThat(steps.get("gate (earlier attempt)").runId()).isEqualTo(failedGate.runId());
        RunInfo history = client.getRun(failedGate.runId());
        assertThat(history.status()).isEqualTo("FAILED");
        assertThat(history.tags())
                .containsEntry("fermion.supersededBy", steps.get("gate").runId());
        // The step kept from the failed run keeps its run and its times.
        assertThat(steps.get("train").runId()).isEqualTo(trainBefore.runId());
        assertThat(steps.get("train").startTime()).isEqualTo(trainBefore.startTime());
        assertThat(List.of(steps.get("train").status(), steps.get("gate").status()))
                .containsOnly("FINISHED");
        RunInfo train = client.getRun(steps.get("train").runId());
        assertThat(train.tags()).containsEntry("fermion.cached", "false");
        assertThat(client.metricHistory(train.runId(), "loss")).hasSize(2);
        ModelVersion champion = client.versionByAlias(registered, "champion");
        assertThat(client.getLoggedModel(champion.source().substring("models:/".length()))
                        .sourceRunId())
                .isEqualTo(train.runId());
    }

    /**
     * The runner is killed (its JVM destroyed, as {@code kill -9} does) while {@code held} runs, after
     * {@code train} finished and before {@code after} started; the run is then resumed.
     */
    @Test
    void aKilledRunResumedKeepsEachStepsTimesFromTheAttemptThatRanItAndLeavesNoStepRunning(
            SharedMlflowServer.Server server) throws Exception {
        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        Path latch = Files.createDirectories(home.resolve("latch"));
        Process runner = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        FermionCli.class.getName(),
                        "run",
                        RunSamples.Held.class.getName(),
                        "-p",
                        "dir=" + latch,
                        "--mlflow",
                        server.uri().toString(),
                        "--home",
                        home.toString())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("runner.log").toFile())
                .start();
        String runId;
        RunInfo parent;
        Map<String, RunInfo> before;
        try {
            assertThat(awaitFile(latch.resolve("held"), java.time.Duration.ofMinutes(2)))
                    .as("the runner reached the held step; its log: %s", home.resolve("runner.log"))
                    .isTrue();
            runId = Files.readString(latch.resolve("held"));
            // The runner sends to MLflow from a background thread; the test kills it once MLflow shows what it
            // has to resume from: train finished, held running.
            parent = awaitRun(
                    client,
                    "held-sample",
                    runId,
                    java.time.Duration.ofMinutes(1),
                    steps -> steps.containsKey("train")
                            && "FINISHED".equals(steps.get("train").status())
                            && steps.containsKey("held")
                            && "RUNNING".equals(steps.get("held").status()));
            before = children(client, parent);
        } finally {
            runner.destroyForcibly();
            runner.waitFor();
        }
        assertThat(before).containsOnlyKeys("train", "held");
        assertThat(client.getRun(parent.runId()).status()).isEqualTo("RUNNING");
        JsonNode killed = new ObjectMapper()
                .readTree(fermion("runs", "show", runId, "--json").out());
        assertThat(killed.get("steps").get("after").get("status").asText()).isEqualTo("PENDING");

        Files.createFile(latch.resolve("go"));
        long resumedAt = System.currentTimeMillis();
        Result resumed =
                fermion("run", "--resume", runId, "--mlflow", server.uri().toString());

        assertThat(resumed.exit()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.mlflowRunId()).isEqualTo(parent.runId());
        RunInfo finished = client.getRun(parent.runId());
        assertThat(finished.status()).isEqualTo("FINISHED");
        assertThat(finished.startTime()).isEqualTo(parent.startTime());
        Map<String, RunInfo> steps = children(client, parent);
        assertThat(steps).containsOnlyKeys("train", "held", "held (earlier attempt)", "after");
        assertThat(steps.values())
                .as("no step is left running by the runner that died")
                .extracting(RunInfo::status)
                .doesNotContain("RUNNING");
        // Finished before the kill: its run, its start and its end are those of the killed runner's attempt.
        RunInfo train = steps.get("train");
        assertThat(List.of(train.runId(), train.status(), train.startTime(), train.endTime()))
                .containsExactly(
                        before.get("train").runId(),
                        "FINISHED",
                        before.get("train").startTime(),
                        before.get("train").endTime());
        // Running at the kill: that attempt ended as killed, and the attempt that ran it to the end started now.
        RunInfo interrupted = steps.get("held (earlier attempt)");
        assertThat(List.of(interrupted.runId(), interrupted.status(), interrupted.startTime()))
                .containsExactly(
                        before.get("held").runId(), "KILLED", before.get("held").startTime());
        assertThat(interrupted.endTime()).isGreaterThanOrEqualTo(resumedAt);
        // Never started by the killed runner: started by the resumed one.
        for (String step : List.of("held", "after")) {
            assertThat(steps.get(step).status()).as(step).isEqualTo("FINISHED");
            assertThat(steps.get(step).startTime()).as(step).isGreaterThanOrEqualTo(resumedAt);
        }
        JsonNode record = new ObjectMapper()
                .readTree(fermion("runs", "show", runId, "--json").out());
        assertThat(record.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(record.get("steps").get("train").get("startedAt"))
                .isEqualTo(killed.get("steps").get("train").get("startedAt"));
    }

    /** Blocks on file-system events until {@code file} exists; false if {@code max} passes first. */
    private static boolean awaitFile(Path file, java.time.Duration max) throws Exception {
        try (java.nio.file.WatchService watch = file.getFileSystem().newWatchService()) {
            file.getParent().register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
            long deadline = System.nanoTime() + max.toNanos();
            while (!Files.exists(file)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.nio.file.WatchKey key = watch.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
            return true;
        }
    }

    /** The MLflow run of Fermion run {@code runId}, once its step runs are as {@code ready} wants them. */
    private static RunInfo awaitRun(
            MlflowClient client,
            String experiment,
            String runId,
            java.time.Duration max,
            java.util.function.Predicate<Map<String, RunInfo>> ready)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        String experimentId = client.experimentId(experiment);
        while (true) {
            List<RunInfo> parents = client.findRunsByTag(experimentId, "fermion.run", runId).stream()
                    .filter(r -> !r.tags().containsKey("mlflow.parentRunId"))
                    .toList();
            if (parents.size() == 1 && ready.test(children(client, parents.get(0)))) {
                return parents.get(0);
            }
            assertThat(System.nanoTime())
                    .as("MLflow shows run %s as expected within %s", runId, max)
                    .isLessThan(deadline);
            // MLflow has no event to wait on: the server is polled.
            Thread.sleep(100);
        }
    }

    @Test
    void aRunWhileMlflowIsDownSucceedsAndSyncDeliversItLater(SharedMlflowServer.Server server) throws Exception {
        String dead = "http://127.0.0.1:" + freePort();

        Result r = fermion("run", TRACKED, "--mlflow", dead);

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        String runId = r.runId();
        assertThat(r.out()).contains("Run " + runId + " succeeded").doesNotContain("MLflow run:");
        assertThat(r.err())
                .contains("MLflow at " + dead + " was unavailable: ")
                .contains("fermion mlflow sync --mlflow " + dead + " --home " + home);

        Result sync = fermion("mlflow", "sync", "--mlflow", server.uri().toString());

        assertThat(sync.exit()).as(sync.out() + sync.err()).isZero();
        assertThat(sync.out())
                .contains("Sending spooled tracking operations to " + server.uri())
                .containsPattern("Sent [1-9]\\d*, rejected 0, still waiting 0\\.");
        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        String experiment = client.experimentId("tracked-sample");
        RunInfo parent = client.findRunsByTag(experiment, "fermion.run", runId).stream()
                .filter(run -> run.runName().equals("tracked-sample-" + runId))
                .findFirst()
                .orElseThrow();
        assertThat(parent.status()).isEqualTo("FINISHED");
        Map<String, RunInfo> steps = children(client, parent);
        assertThat(steps).containsOnlyKeys("train", "evaluate");
        assertThat(steps.values()).extracting(RunInfo::status).containsOnly("FINISHED");
        assertThat(client.metricHistory(steps.get("train").runId(), "loss")).hasSize(3);
        assertThat(client.findLoggedModelsByTag(experiment, "fermion.run", runId))
                .extracting(LoggedModel::sourceRunId)
                .containsExactly(steps.get("train").runId());

        assertThat(fermion("mlflow", "sync", "--mlflow", server.uri().toString())
                        .out())
                .startsWith("Nothing to sync");
    }

    @Test
    void trackingOptionsAreCheckedBeforeAnythingRuns() {
        Result noServer = fermion("run", TRACKED, "--register-as", "m@champion", "--mlflow", "off");
        assertThat(noServer.exit()).isEqualTo(2);
        assertThat(noServer.err()).contains("--register-as registers the model in MLflow");

        Result badUrl = fermion("run", TRACKED, "--mlflow", "file:./mlruns");
        assertThat(badUrl.exit()).isEqualTo(2);
        assertThat(badUrl.err()).contains("--mlflow must be the http(s) URL of an MLflow tracking server");

        Result secret = fermion("run", TRACKED, "--mlflow", "http://alice:s3cret@127.0.0.1:5000");
        assertThat(secret.exit()).isEqualTo(2);
        assertThat(secret.err()).contains("must not carry credentials").doesNotContain("s3cret");

        Result wrongModel = fermion(
                "run",
                TRACKED,
                "--mlflow",
                "http://127.0.0.1:5000",
                "--register-as",
                "m",
                "--register-model",
                "evaluate/size");
        assertThat(wrongModel.exit()).isEqualTo(2);
        assertThat(wrongModel.err()).contains("has no such Model output; its Model outputs are [train/model]");
        assertThat(home.resolve("runs")).doesNotExist();
    }

    @Test
    void mlflowCommandsHaveHelp() {
        CommandLine cli = FermionCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("mlflow", "--help")).isZero();
        assertThat(out.toString())
                .contains("Usage: fermion mlflow")
                .contains("sync")
                .contains("server");
        assertThat(cli.execute("mlflow", "sync", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: fermion mlflow sync").contains("--mlflow=URI");
        assertThat(cli.execute("mlflow", "server", "start", "--help")).isZero();
        assertThat(out.toString())
                .contains("Usage: fermion mlflow server start")
                .contains("--port=N");
        assertThat(cli.execute("run", "--help")).isZero();
        assertThat(out.toString()).contains("--mlflow=URI|auto|off").contains("--register-as=NAME[@ALIAS]");
    }

    @Test
    void syncWithAnEmptySpoolSendsNothing() {
        Result sync = fermion("mlflow", "sync");
        assertThat(sync.exit()).isZero();
        assertThat(sync.out()).startsWith("Nothing to sync: no tracking operations wait in " + home);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
