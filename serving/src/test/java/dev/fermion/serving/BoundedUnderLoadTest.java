package dev.fermion.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fermion.components.TestBundles;
import dev.fermion.components.model.MlpPredictor;
import dev.fermion.components.model.ModelBundle;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand clients at once against {@code fermion-serve} as a process on loopback: every request gets
 * either the model's answer or a clean 503, and the server's threads and memory stay within what its
 * options allow, measured by the JVM (threads, through /metrics) and by the kernel (/proc: threads of
 * every kind, peak resident memory).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BoundedUnderLoadTest {
    private static final int CLIENTS = 1000;
    private static final int WORKERS = 2;
    private static final int MAX_QUEUE = 8;
    private static final int HTTP_THREADS = 8;
    private static final int HEAP_MIB = 256;
    /** Threads a JVM may add on its own after start-up, such as a scheduler for idle timeouts. */
    private static final int JVM_SLACK = 4;

    private static final String LISTENING = "fermion-serve listening on ";
    private static final int ROWS = 4;

    @Test
    void aThousandConcurrentRequestsGetAnAnswerOrA503AndTheServerStaysBounded(@TempDir Path dir) throws Exception {
        Path proc = Path.of("/proc/self/status");
        assumeThat(Files.exists(proc))
                .as("the kernel's process status, on Linux")
                .isTrue();
        Path bundle = TestBundles.classifier(dir.resolve("iris"));
        List<double[]> expected;
        try (MlpPredictor direct = ModelBundle.open(bundle)) {
            expected = direct.predict(IrisRequests.IRIS);
        }
        Process server =
                launch(bundle).redirectError(dir.resolve("stderr.log").toFile()).start();
        ExecutorService clientThreads = Executors.newFixedThreadPool(4);
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertThat(first)
                    .as("first line of stdout; stderr in " + dir.resolve("stderr.log"))
                    .startsWith(LISTENING);
            URI uri = URI.create(first.substring(LISTENING.length()));
            Http http = new Http(uri);
            // One request first, so that what a first prediction starts is part of the server at rest.
            assertThat(http.post("/v2/models/iris/infer", IrisRequests.tensor(0, ROWS))
                            .status())
                    .isEqualTo(200);
            long restJavaThreads = gauge(http.get("/metrics").body(), "jvm_threads_current");
            long restThreads = status(server.pid(), "Threads");
            long restRssKib = status(server.pid(), "VmRSS");

            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(clientThreads)
                    .connectTimeout(Duration.ofMinutes(1))
                    .build();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>(CLIENTS);
            for (int i = 0; i < CLIENTS; i++) {
                calls.add(client.sendAsync(
                        HttpRequest.newBuilder(uri.resolve("/v2/models/iris/infer"))
                                .timeout(Duration.ofMinutes(2))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(IrisRequests.tensor(first(i), first(i) + ROWS)
                                        .toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);

            int answered = 0;
            int refused = 0;
            for (int i = 0; i < CLIENTS; i++) {
                HttpResponse<String> response = calls.get(i).get();
                if (response.statusCode() == 200) {
                    assertPredicted(Http.JSON.readTree(response.body()), expected, first(i));
                    answered++;
                } else {
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                    assertThat(response.headers().firstValue("Retry-After")).contains("1");
                    assertThat(Http.JSON.readTree(response.body()).path("error").asText())
                            .startsWith("Model 'iris' is at capacity: its 2 workers are busy and 8 requests wait");
                    refused++;
                }
            }
            assertThat(answered + refused).isEqualTo(CLIENTS);
            assertThat(answered).as("answers").isPositive();
            assertThat(refused)
                    .as("a thousand clients overflow 2 workers and 8 places")
                    .isPositive();

            String metrics = http.get("/metrics").body();
            assertThat(gauge(metrics, "fermion_inference_requests_total")).isEqualTo(CLIENTS + 1);
            assertThat(metrics)
                    .contains("fermion_inference_errors_total{model=\"iris\",code=\"503\"} " + refused + "\n");
            long peakJavaThreads = gauge(metrics, "jvm_threads_peak");
            assertThat(peakJavaThreads)
                    .as("the JVM's peak thread count; %d at rest", restJavaThreads)
                    .isLessThanOrEqualTo(restJavaThreads + JVM_SLACK);
            // Native threads too: a worker's first predictions may start the engine's threads for it.
            long threads = status(server.pid(), "Threads");
            assertThat(threads)
                    .as("threads of the process; %d at rest", restThreads)
                    .isLessThanOrEqualTo(restThreads
                            + JVM_SLACK
                            + (long) WORKERS * Runtime.getRuntime().availableProcessors());
            // The heap may grow to its limit; nothing else may grow.
            long peakRssKib = status(server.pid(), "VmHWM");
            assertThat(peakRssKib)
                    .as("peak resident KiB; %d at rest", restRssKib)
                    .isLessThanOrEqualTo(restRssKib + HEAP_MIB * 1024L);
        } finally {
            clientThreads.shutdownNow();
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The first iris row of client {@code i}'s request. */
    private static int first(int i) {
        return (i * 7) % (IrisRequests.IRIS.rows().size() - ROWS);
    }

    private static ProcessBuilder launch(Path bundle) {
        // The JVM's own thread counts fixed, so that only the server's threads can change under load.
        return new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-Xms64m",
                "-Xmx" + HEAP_MIB + "m",
                "-XX:+UseSerialGC",
                "-XX:CICompilerCount=2",
                "-XX:-UseDynamicNumberOfCompilerThreads",
                "-cp",
                System.getProperty("java.class.path"),
                ServeMain.class.getName(),
                "--model",
                "iris=" + bundle,
                "--port",
                "0",
                "--workers",
                Integer.toString(WORKERS),
                "--max-queue",
                Integer.toString(MAX_QUEUE),
                "--http-threads",
                Integer.toString(HTTP_THREADS));
    }

    private static long gauge(String metrics, String name) {
        Matcher sample =
                Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\d+)$").matcher(metrics);
        assertThat(sample.find()).as(name + " in /metrics").isTrue();
        return Long.parseLong(sample.group(2));
    }

    /** A number field of the kernel's status of process {@code pid}: a count, or KiB for memory. */
    private static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("No " + field + " in /proc/" + pid + "/status");
    }

    private static void assertPredicted(JsonNode body, List<double[]> expected, int from) {
        JsonNode probabilities = null;
        for (JsonNode output : body.get("outputs")) {
            if (output.get("name").asText().equals("probabilities")) {
                probabilities = output.get("data");
            }
        }
        assertThat(probabilities).as(body.toString()).hasSize(ROWS * 3);
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < 3; c++) {
                assertThat(probabilities.get(r * 3 + c).asDouble()).isCloseTo(expected.get(from + r)[c], within(1e-5));
            }
        }
    }
}
