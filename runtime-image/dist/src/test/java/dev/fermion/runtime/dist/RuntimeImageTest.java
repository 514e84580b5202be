package dev.fermion.runtime.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.runtime.launch.ContentDigest;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution run as an Argo step and as a KServe predictor run it: {@code fermion-step} with the
 * launcher arguments the compiler writes (pod paths replaced by temporary directories), then
 * {@code fermion-serve} on the model the steps trained.
 */
class RuntimeImageTest {
    private static final String PREPARE = "dev.fermion.components.data.PrepareCsv";
    private static final String TRAIN = "dev.fermion.components.train.TrainMlp";
    private static final String LISTENING = "fermion-serve listening on ";
    private static final List<String> PREPARED = List.of("train", "validation", "test", "preprocessing", "rejects");
    private static final ObjectMapper JSON = new ObjectMapper();

    // One cache for the class, as one pod's emptyDir: the first step unpacks PyTorch, later ones reuse it.
    @TempDir
    static Path djlCache;

    @Test
    void preparesTrainsAndServesTheIrisModel(@TempDir Path dir) throws Exception {
        Distribution dist = new Distribution(djlCache);
        Path iris = Distribution.EXAMPLES.resolve("data/iris.csv");

        Pod prepare = new Pod(dir.resolve("prepare"));
        List<String> prepareArgs = new ArrayList<>(launch(PREPARE, "prepare"));
        prepareArgs.addAll(List.of("--param", "source=" + iris, "--param", "label=species", "--param", "seed=7"));
        prepareArgs.addAll(prepare.outputParams("rows", "train-rows", "rejected-rows"));
        prepareArgs.addAll(prepare.outputArtifacts(PREPARED));
        prepareArgs.addAll(prepare.metricsArg());
        Distribution.Finished prepared = dist.run(dir.resolve("logs"), "fermion-step", prepareArgs);

        assertThat(prepared.exit()).as(prepared.describe()).isZero();
        assertThat(prepare.param("rows")).isEqualTo("150");
        assertThat(prepare.param("rejected-rows")).isEqualTo("0");
        for (String artifact : PREPARED) {
            assertThat(prepare.param(artifact + ".digest"))
                    .as("digest of " + artifact)
                    .isEqualTo(ContentDigest.of(prepare.artifact(artifact)));
        }
        assertThat(prepare.artifact("train").resolve("features.csv")).isRegularFile();
        assertThat(prepare.artifact("preprocessing").resolve("preprocessing.json"))
                .isRegularFile();
        assertThat(prepare.metrics()).containsEntry("rows", 150.0).containsEntry("rejected-rows", 0.0);

        Pod train = new Pod(dir.resolve("train"));
        List<String> trainArgs = new ArrayList<>(launch(TRAIN, "train"));
        trainArgs.addAll(List.of("--param", "epochs=30", "--param", "hidden=[8]", "--param", "seed=7"));
        for (String input : List.of("train", "validation", "preprocessing")) {
            trainArgs.addAll(List.of("--input", input + "=" + prepare.artifact(input)));
        }
        trainArgs.addAll(train.outputParams("epochs-run", "best-validation-loss", "device"));
        trainArgs.addAll(train.outputArtifacts(List.of("model")));
        trainArgs.addAll(train.metricsArg());
        Distribution.Finished trained = dist.run(dir.resolve("logs"), "fermion-step", trainArgs);

        assertThat(trained.exit()).as(trained.describe()).isZero();
        Path model = train.artifact("model");
        assertThat(model.resolve("bundle.json")).isRegularFile();
        assertThat(model.resolve("mlp-0000.params")).isRegularFile();
        assertThat(train.param("model.digest")).isEqualTo(ContentDigest.of(model));
        assertThat(train.param("device")).isEqualTo("cpu()");
        assertThat(Integer.parseInt(train.param("epochs-run"))).isBetween(1, 30);
        assertThat(Double.parseDouble(train.param("best-validation-loss"))).isPositive();
        assertThat(train.metrics()).containsKeys("train-loss", "val-loss", "val-accuracy");
        try (Stream<Path> unpacked = Files.list(djlCache)) {
            assertThat(unpacked.toList())
                    .as("PyTorch unpacked into DJL_CACHE_DIR")
                    .isNotEmpty();
        }

        serve(dist, model, dir);
    }

    private static void serve(Distribution dist, Path model, Path dir) throws Exception {
        Path stderr = dir.resolve("serve.err");
        Process server = dist.command("fermion-serve", List.of("--model", "iris=" + model, "--port", "0"))
                .redirectError(stderr.toFile())
                .start();
        try (BufferedReader out = Distribution.stdout(server)) {
            String first = Distribution.nextLine(out, server, stderr);
            assertThat(first).startsWith(LISTENING);
            URI uri = URI.create(first.substring(LISTENING.length()));
            // Two textbook rows, far from the species boundaries: setosa, then virginica.
            String request = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[2,4],"
                    + "\"data\":[5.1,3.5,1.4,0.2,6.7,3.0,5.2,2.3]}]}";
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(uri.resolve("/v2/models/iris/infer"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(request))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode label = null;
            for (JsonNode output : JSON.readTree(response.body()).get("outputs")) {
                if (output.get("name").asText().equals("label")) {
                    label = output;
                }
            }
            assertThat(label).as("label output of " + response.body()).isNotNull();
            assertThat(label.get("data").get(0).asText()).isEqualTo("setosa");
            assertThat(label.get("data").get(1).asText()).isEqualTo("virginica");
        } finally {
            server.destroy();
        }
        assertThat(server.waitFor(Distribution.DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .as("stops on SIGTERM")
                .isTrue();
        assertThat(Files.readString(stderr)).contains("Javalin has stopped");
    }

    @Test
    void aValueOfTheWrongTypeIsAUsageError(@TempDir Path dir) throws Exception {
        Pod train = new Pod(dir.resolve("train"));
        List<String> args = new ArrayList<>(launch(TRAIN, "train"));
        args.addAll(List.of("--param", "epochs=many"));
        args.addAll(train.outputArtifacts(List.of("model")));
        Distribution.Finished finished = new Distribution(djlCache).run(dir.resolve("logs"), "fermion-step", args);

        assertThat(finished.exit()).as(finished.describe()).isEqualTo(2);
        assertThat(finished.verdict()).startsWith("fermion-step: input 'epochs' of step 'train' expects");
        assertThat(finished.verdict()).contains("many");
    }

    @Test
    void aComponentMissingFromLibIsAUsageError(@TempDir Path dir) throws Exception {
        Distribution.Finished finished = new Distribution(djlCache)
                .run(dir.resolve("logs"), "fermion-step", launch("com.example.NotInTheImage", "custom"));

        assertThat(finished.exit()).as(finished.describe()).isEqualTo(2);
        assertThat(finished.verdict())
                .startsWith("fermion-step: component class com.example.NotInTheImage of step "
                        + "'custom' is not on the classpath");
    }

    @Test
    void aStepThatCannotUseItsInputExitsWithThreeAndSaysWhy(@TempDir Path dir) throws Exception {
        Pod prepare = new Pod(dir.resolve("prepare"));
        List<String> args = new ArrayList<>(launch(PREPARE, "prepare"));
        args.addAll(List.of(
                "--param", "source=" + Distribution.EXAMPLES.resolve("data/iris.csv"), "--param", "label=colour"));
        args.addAll(prepare.outputArtifacts(PREPARED));
        Distribution.Finished finished = new Distribution(djlCache).run(dir.resolve("logs"), "fermion-step", args);

        // Exit 3: no retry could fix a label that names no column, so neither the runner nor Argo retries it.
        assertThat(finished.exit()).as(finished.describe()).isEqualTo(3);
        assertThat(finished.verdict())
                .startsWith("fermion-step: step 'prepare' (PrepareCsv) cannot use its input: "
                        + "Input 'label' names column 'colour'");
        assertThat(finished.stdout())
                .as("the stack trace goes to the step's log")
                .contains("at dev.fermion.");
    }

    private static List<String> launch(String component, String step) {
        return List.of("--component", component, "--pipeline", "iris", "--step", step, "--run-id", "dist-test");
    }

    /** A step's {@code /fermion/outputs} tree, rooted in a temporary directory. */
    private record Pod(Path outputs) {
        List<String> outputParams(String... names) {
            List<String> args = new ArrayList<>();
            for (String name : names) {
                args.addAll(List.of(
                        "--output-param", name + "=" + outputs.resolve("params").resolve(name)));
            }
            return args;
        }

        List<String> outputArtifacts(List<String> names) {
            List<String> args = new ArrayList<>();
            for (String name : names) {
                args.addAll(List.of("--output-artifact", name + "=" + artifact(name)));
            }
            return args;
        }

        List<String> metricsArg() {
            return List.of("--metrics", outputs.resolve("metrics.jsonl").toString());
        }

        Path artifact(String name) {
            return outputs.resolve("artifacts").resolve(name);
        }

        String param(String name) throws IOException {
            return Files.readString(outputs.resolve("params").resolve(name));
        }

        /** The last value of each metric key in the metrics file. */
        Map<String, Double> metrics() throws IOException {
            Map<String, Double> last = new TreeMap<>();
            for (String line : Files.readAllLines(outputs.resolve("metrics.jsonl"))) {
                JsonNode metric = JSON.readTree(line);
                last.put(metric.get("key").asText(), metric.get("value").asDouble());
            }
            return last;
        }
    }
}
