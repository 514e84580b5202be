package dev.fermion.cli;

import static dev.fermion.cli.CliTest.fermion;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.components.TestBundles;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.runtime.local.RunRecord;
import dev.fermion.runtime.local.RunStatus;
import dev.fermion.runtime.local.RunStore;
import dev.fermion.runtime.local.StepRecord;
import dev.fermion.runtime.local.StepStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
    private static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");
    private static final String SERVING_ON = "Serving on ";
    private static final long DEADLINE_SECONDS = 120;

    @Test
    void helpDescribesTheOptions() {
        CliTest.Result r = fermion("serve", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("Usage: fermion serve")
                .contains("--model=NAME=PATH")
                .contains("--run=RUN_ID")
                .contains("--step=STEP")
                .contains("--port=N")
                .contains("--host=HOST");
    }

    @Test
    void nothingToServeIsAUsageError() {
        CliTest.Result r = fermion("serve");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("fermion: Nothing to serve: give --model NAME=PATH or --run RUN_ID");
    }

    @Test
    void aModelWithoutANameIsAUsageError(@TempDir Path dir) {
        CliTest.Result r = fermion("serve", "--model", dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("fermion: --model takes NAME=PATH");
    }

    @Test
    void aMissingModelDirectoryIsAUsageError(@TempDir Path dir) {
        CliTest.Result r = fermion("serve", "--model", "iris=" + dir.resolve("absent"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Model location '" + dir.resolve("absent") + "' is not a directory");
    }

    @Test
    void aPortOutOfRangeIsAUsageError(@TempDir Path dir) {
        CliTest.Result r = fermion("serve", "--model", "iris=" + dir, "--port", "70000");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("fermion: --port takes a port number from 0 to 65535, got 70000");
    }

    @Test
    void stepWithoutRunIsAUsageError(@TempDir Path dir) {
        CliTest.Result r = fermion("serve", "--model", "iris=" + dir, "--step", "train");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("fermion: --step applies to a model from --run RUN_ID");
    }

    @Test
    void anUnknownRunIsAUsageError(@TempDir Path home) {
        CliTest.Result r = fermion("serve", "--run", "no-such-run", "--home", home.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("fermion: no run with id 'no-such-run' under " + home.resolve("runs"));
    }

    @Test
    void aRunWithoutAModelIsAUsageError(@TempDir Path home) throws IOException {
        Path data = Files.createDirectories(home.resolve("data"));
        save(
                home,
                "r1",
                List.of(
                        step("prepare", StepStatus.SUCCEEDED, Map.of("train", data)),
                        step("train", StepStatus.FAILED, Map.of())));

        CliTest.Result r = fermion("serve", "--run", "r1", "--home", home.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("fermion: No succeeded step of run 'r1' wrote a model bundle");

        CliTest.Result failed = fermion("serve", "--run", "r1", "--step", "train", "--home", home.toString());
        assertThat(failed.exit()).isEqualTo(2);
        assertThat(failed.err()).startsWith("fermion: Step 'train' of run 'r1' is Failed, so it has no model to serve");

        CliTest.Result unknown = fermion("serve", "--run", "r1", "--step", "evaluate", "--home", home.toString());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err())
                .startsWith("fermion: Run 'r1' has no step 'evaluate'; its steps are [prepare, train]");
    }

    @Test
    void aRunWithSeveralModelsNeedsAStep(@TempDir Path home) throws IOException {
        // Which directories hold bundles is judged by their files, so empty files stand in for two models.
        Path small = bundleFiles(home.resolve("small"));
        Path large = bundleFiles(home.resolve("large"));
        save(
                home,
                "r2",
                List.of(
                        step("sweep/0/train", StepStatus.SUCCEEDED, Map.of("model", small)),
                        step("sweep/1/train", StepStatus.SUCCEEDED, Map.of("model", large))));

        CliTest.Result r = fermion("serve", "--run", "r2", "--home", home.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .startsWith("fermion: Run 'r2' has several model bundles: sweep/0/train (output 'model'), "
                        + "sweep/1/train (output 'model'); choose one with --step STEP");
    }

    @Test
    void servesABundleAndTheModelOfARunUntilStopped(@TempDir Path home) throws Exception {
        Path direct = TestBundles.classifier(home.resolve("bundles/direct"));
        Path trained = TestBundles.classifier(home.resolve("runs/r3/steps/train/attempt-1/outputs/artifacts/model"));
        save(home, "r3", List.of(step("train", StepStatus.SUCCEEDED, Map.of("model", trained))));

        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                FermionCli.class.getName(),
                "serve",
                "--model",
                "direct=" + direct,
                "--run",
                "r3",
                "--home",
                home.toString(),
                "--port",
                "0",
                "--workers",
                "1"));
        Path stderr = home.resolve("serve.err");
        Process process =
                new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String first = line(out, stderr);
            assertThat(first).startsWith(SERVING_ON);
            URI uri = URI.create(first.substring(SERVING_ON.length()));
            assertThat(uri.getHost()).isEqualTo("127.0.0.1");
            assertThat(line(out, stderr))
                    .isEqualTo("  direct  " + uri.resolve("/v2/models/direct/infer") + "  from " + direct);
            // Served under the run's pipeline name.
            assertThat(line(out, stderr))
                    .isEqualTo("  iris  " + uri.resolve("/v2/models/iris/infer") + "  from " + trained);
            assertThat(line(out, stderr)).endsWith("Press Ctrl-C to stop.");

            HttpClient http = HttpClient.newHttpClient();
            assertThat(http.send(
                                    HttpRequest.newBuilder(uri.resolve("/v2/health/ready"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);
            for (String model : List.of("direct", "iris")) {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(uri.resolve("/v2/models/" + model + "/infer"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"inputs\":[{\"name\":\"input\",\"datatype\":"
                                                + "\"FP32\",\"shape\":[1,4],\"data\":[5.1,3.5,1.4,0.2]}]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                JsonNode label = new ObjectMapper()
                        .readTree(response.body())
                        .get("outputs")
                        .get(0);
                assertThat(label.get("name").asText()).isEqualTo("label");
                assertThat(SPECIES).contains(label.get("data").get(0).asText());
            }
        } finally {
            process.destroy();
        }
        assertThat(process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS))
                .as("stops on SIGTERM")
                .isTrue();
    }

    /** The next line the server prints, failing with its stderr when it ends or stays silent too long. */
    private static String line(BufferedReader out, Path stderr) throws Exception {
        CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        String line;
        try {
            line = next.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(
                    "fermion serve printed nothing within " + DEADLINE_SECONDS + " s; stderr:\n"
                            + Files.readString(stderr),
                    e);
        }
        assertThat(line)
                .as("stdout ended; stderr:\n%s", Files.readString(stderr))
                .isNotNull();
        return line;
    }

    private static StepRecord step(String path, StepStatus status, Map<String, Path> artifacts) {
        Map<String, String> dirs = new LinkedHashMap<>();
        artifacts.forEach((name, dir) -> dirs.put(name, dir.toString()));
        String now = Instant.now().toString();
        return new StepRecord(
                path,
                path.substring(path.lastIndexOf('/') + 1),
                StepRecord.STEP,
                "dev.fermion.components.train.TrainMlp",
                status,
                false,
                false,
                null,
                1,
                2,
                now,
                now,
                List.of(),
                Map.of(),
                dirs,
                Map.of(),
                status == StepStatus.FAILED ? "the step failed" : null);
    }

    private static void save(Path home, String runId, List<StepRecord> steps) {
        Map<String, StepRecord> byPath = new LinkedHashMap<>();
        steps.forEach(s -> byPath.put(s.path(), s));
        String now = Instant.now().toString();
        new RunStore(new FermionHome(home))
                .save(new RunRecord(
                        RunRecord.FORMAT,
                        runId,
                        "iris",
                        "iris",
                        "",
                        Map.of(),
                        "IN_PROCESS",
                        1,
                        true,
                        RunStatus.SUCCEEDED,
                        now,
                        now,
                        ProcessHandle.current().pid(),
                        null,
                        null,
                        byPath));
    }

    private static Path bundleFiles(Path directory) throws IOException {
        Files.createDirectories(directory);
        for (String file : ModelBundle.files()) {
            Files.createFile(directory.resolve(file));
        }
        return directory;
    }
}
