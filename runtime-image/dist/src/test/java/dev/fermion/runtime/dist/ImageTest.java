package dev.fermion.runtime.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.runtime.launch.ContentDigest;
import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime image itself, run as Argo and KServe run it: {@code fermion-step} with the arguments and paths
 * the compiler writes (inputs read-only at {@code /fermion/inputs/PORT}, outputs at {@code /fermion/outputs}),
 * then {@code fermion-serve} with the trained bundle mounted at {@code /mnt/models}; always as the image's own
 * user, with a read-only root file system, a {@code /tmp} and DJL's cache as the only writable places (as
 * emptyDirs give a pod). The data is the examples' iris.csv, read from the image as
 * {@code resource:/fermion/examples/iris.csv}.
 */
class ImageTest {
    /** The image's budget, justified in BENCHMARKS.md ("Runtime image"). */
    static final long BUDGET_BYTES = 700_000_000L;

    private static final String PREPARE = "dev.fermion.components.data.PrepareCsv";
    private static final String TRAIN = "dev.fermion.components.train.TrainMlp";
    private static final String LISTENING = "fermion-serve listening on ";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    private static Path djlCache;

    @BeforeAll
    static void cache() throws Exception {
        djlCache = Files.createDirectories(shared.resolve("djl.ai"));
    }

    /** What a pod of the compiled workflow gets: read-only root, writable /tmp and DJL cache, as the image user. */
    private static List<String> podLike(Image image) throws Exception {
        image.writable(djlCache);
        List<String> argv = image.run();
        argv.addAll(List.of("--read-only", "--tmpfs", "/tmp", "-v", djlCache + ":/home/fermion/.djl.ai"));
        return argv;
    }

    @Test
    void theImageRunsAsItsNonRootUser(@TempDir Path dir) throws Exception {
        Image image = Image.required();
        List<String> argv = image.run();
        argv.addAll(List.of("--entrypoint", "id", image.name, "-u"));

        Distribution.Finished id = Image.exec(dir, argv);

        assertThat(id.exit()).as(id.describe()).isZero();
        assertThat(id.stdout().trim()).isEqualTo("10001");
    }

    @Test
    void stepsPrepareAndTrainThenTheServerAnswersFromTheBundle(@TempDir Path dir) throws Exception {
        Image image = Image.required();
        Path prepare = Files.createDirectories(dir.resolve("prepare"));
        image.writable(prepare);
        List<String> argv = podLike(image);
        argv.addAll(List.of(
                "-v",
                prepare + ":/fermion/outputs",
                image.name,
                "fermion-step",
                "--component",
                PREPARE,
                "--pipeline",
                "iris",
                "--step",
                "prepare",
                "--run-id",
                "image-test",
                "--param",
                "source=resource:/fermion/examples/iris.csv",
                "--param",
                "label=species",
                "--param",
                "seed=7"));
        for (String name : List.of("rows", "rejected-rows")) {
            argv.addAll(List.of("--output-param", name + "=/fermion/outputs/params/" + name));
        }
        for (String name : List.of("train", "validation", "test", "preprocessing", "rejects")) {
            argv.addAll(List.of("--output-artifact", name + "=/fermion/outputs/artifacts/" + name));
        }
        argv.addAll(List.of("--metrics", "/fermion/outputs/metrics.jsonl"));

        Distribution.Finished prepared = Image.exec(dir.resolve("logs"), argv);

        assertThat(prepared.exit()).as(prepared.describe()).isZero();
        assertThat(Files.readString(prepare.resolve("params/rows"))).isEqualTo("150");
        assertThat(Files.readString(prepare.resolve("params/train.digest")))
                .isEqualTo(ContentDigest.of(prepare.resolve("artifacts/train")));
        assertThat(Files.readString(prepare.resolve("metrics.jsonl"))).contains("\"rows\"");
        if (Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
            assertThat(Files.getAttribute(prepare.resolve("artifacts/train/features.csv"), "unix:uid"))
                    .as("written by the image's user")
                    .isEqualTo(10001);
        }

        Path train = Files.createDirectories(dir.resolve("train"));
        image.writable(train);
        argv = podLike(image);
        for (String input : List.of("train", "validation", "preprocessing")) {
            argv.addAll(
                    List.of("-v", prepare.resolve("artifacts").resolve(input) + ":/fermion/inputs/" + input + ":ro"));
        }
        argv.addAll(List.of(
                "-v",
                train + ":/fermion/outputs",
                image.name,
                "fermion-step",
                "--component",
                TRAIN,
                "--pipeline",
                "iris",
                "--step",
                "train",
                "--run-id",
                "image-test",
                "--param",
                "epochs=30",
                "--param",
                "hidden=[8]",
                "--param",
                "seed=7",
                "--input",
                "train=/fermion/inputs/train",
                "--input",
                "validation=/fermion/inputs/validation",
                "--input",
                "preprocessing=/fermion/inputs/preprocessing",
                "--output-param",
                "device=/fermion/outputs/params/device",
                "--output-artifact",
                "model=/fermion/outputs/artifacts/model",
                "--metrics",
                "/fermion/outputs/metrics.jsonl"));

        Distribution.Finished trained = Image.exec(dir.resolve("logs"), argv);

        assertThat(trained.exit()).as(trained.describe()).isZero();
        Path model = train.resolve("artifacts/model");
        assertThat(model.resolve("bundle.json")).isRegularFile();
        assertThat(Files.readString(train.resolve("params/device"))).isEqualTo("cpu()");
        assertThat(Files.readString(train.resolve("params/model.digest"))).isEqualTo(ContentDigest.of(model));

        serve(image, model, dir);
    }

    /** The image's default command: fermion-serve on port 8080 for the bundle at /mnt/models, as KServe runs it. */
    private static void serve(Image image, Path model, Path dir) throws Exception {
        String container = "fermion-image-test-" + ProcessHandle.current().pid();
        image.writable(djlCache);
        List<String> argv = new ArrayList<>(List.of(image.engine.cli().toString(), "run", "-d", "--name", container));
        argv.addAll(image.engine.settings());
        argv.addAll(List.of(
                "--read-only",
                "--tmpfs",
                "/tmp",
                "-v",
                djlCache + ":/home/fermion/.djl.ai",
                "-p",
                "127.0.0.1::8080",
                "-v",
                model + ":/mnt/models:ro",
                image.name));
        Distribution.Finished started = Image.exec(dir.resolve("logs"), argv);
        assertThat(started.exit()).as(started.describe()).isZero();
        try {
            Path stderr = dir.resolve("serve.err");
            Process logs = new ProcessBuilder(image.engine.cli().toString(), "logs", "-f", container)
                    .redirectErrorStream(true)
                    .start();
            try (BufferedReader out = Distribution.stdout(logs)) {
                String line = Distribution.nextLine(out, logs, stderr);
                while (!line.startsWith(LISTENING)) {
                    line = Distribution.nextLine(out, logs, stderr);
                }
            } finally {
                logs.destroy();
            }
            Distribution.Finished port = image.engine(dir.resolve("logs"), List.of("port", container, "8080/tcp"));
            assertThat(port.exit()).as(port.describe()).isZero();
            URI base = URI.create(
                    "http://" + port.stdout().lines().findFirst().orElseThrow().trim());
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();

            HttpResponse<String> ready = http.send(
                    HttpRequest.newBuilder(base.resolve("/v2/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);

            String request = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[2,4],"
                    + "\"data\":[5.1,3.5,1.4,0.2,6.7,3.0,5.2,2.3]}]}";
            HttpResponse<String> inferred = http.send(
                    HttpRequest.newBuilder(base.resolve("/v2/models/model/infer"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(request))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(inferred.statusCode()).as(inferred.body()).isEqualTo(200);
            JsonNode label = null;
            for (JsonNode output : JSON.readTree(inferred.body()).get("outputs")) {
                if (output.get("name").asText().equals("label")) {
                    label = output;
                }
            }
            assertThat(label).as(inferred.body()).isNotNull();
            assertThat(label.get("data").get(0).asText()).isEqualTo("setosa");
            assertThat(label.get("data").get(1).asText()).isEqualTo("virginica");
        } finally {
            image.engine(dir.resolve("logs"), List.of("rm", "--force", container));
        }
    }

    @Test
    void theImageStaysWithinItsBudgetWithFermionsJarsInItsLastLayers(@TempDir Path dir) throws Exception {
        Image image = Image.required();
        Distribution.Finished size =
                image.engine(dir, List.of("image", "inspect", "--format", "{{.Size}}", image.name));
        Distribution.Finished history = image.engine(
                dir, List.of("history", "--no-trunc", "--format", "{{.Size}}\t{{.CreatedBy}}", image.name));
        assertThat(size.exit()).as(size.describe()).isZero();
        long bytes = Long.parseLong(size.stdout().trim());
        System.out.printf("runtime image %s: %,d bytes (budget %,d)%n", image.name, bytes, BUDGET_BYTES);

        assertThat(bytes).as("image size; see BENCHMARKS.md").isLessThanOrEqualTo(BUDGET_BYTES);
        // Newest first: the scripts, then Fermion's jars, then the third-party jars, then the native library.
        List<String> copies = new ArrayList<>(
                history.stdout().lines().filter(l -> l.contains("COPY")).toList());
        assertThat(copies).hasSizeGreaterThanOrEqualTo(4);
        assertThat(copies.subList(0, 2))
                .as("scripts and Fermion's jars, the layers a code change re-sends")
                .allSatisfy(layer -> assertThat(megabytes(layer)).isLessThan(5));
        assertThat(copies.subList(2, 4))
                .as("third-party jars and the PyTorch native library")
                .allSatisfy(layer -> assertThat(megabytes(layer)).isGreaterThan(50));
    }

    private static double megabytes(String historyLine) {
        String size = historyLine.substring(0, historyLine.indexOf('\t')).trim();
        String[] parts = size.split(" ");
        double value = Double.parseDouble(parts[0]);
        return switch (parts.length > 1 ? parts[1] : "B") {
            case "kB", "KB" -> value / 1000;
            case "MB" -> value;
            case "GB" -> value * 1000;
            default -> value / 1_000_000;
        };
    }
}
