package dev.fermion.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.components.TestBundles;
import dev.fermion.serving.http.InferenceServer;
import dev.fermion.serving.http.ServerLimits;
import dev.fermion.serving.model.AtCapacityException;
import dev.fermion.serving.model.ServedModel;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A model's fixed workers and bounded queue, and the request size limit, on a real server. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServerLimitsTest {
    private static final int LIMIT = 64 * 1024;

    @TempDir
    static Path dir;

    static ServedModel iris;
    static InferenceServer server;
    static Http http;

    @BeforeAll
    static void start() {
        Path bundle = TestBundles.classifier(dir.resolve("iris"));
        iris = ServedModel.load("iris", bundle.toString(), bundle, 1, 1);
        server = InferenceServer.start(List.of(iris), "127.0.0.1", 0, new ServerLimits(4, LIMIT));
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aFullQueueIsA503WithRetryAfterWhileProbesStillAnswer() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The one worker busy and the one place in its queue taken: what a burst of requests leaves.
        CompletableFuture<Void> busy = iris.submit(() -> {
            started.countDown();
            await(release);
            return null;
        });
        assertThat(started.await(1, TimeUnit.MINUTES)).isTrue();
        CompletableFuture<String> waiting = iris.submit(() -> "ran after the busy one");
        try {
            HttpResponse<String> refused = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(server.uri().resolve("/v2/models/iris/infer"))
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            IrisRequests.tensor(0, 1).toString()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            assertThat(Http.JSON.readTree(refused.body()).path("error").asText())
                    .isEqualTo("Model 'iris' is at capacity: its 1 worker is busy and 1 request waits; retry later");
            assertThatThrownBy(() -> iris.submit(() -> "one more")).isInstanceOf(AtCapacityException.class);

            assertThat(http.get("/v2/health/ready").status())
                    .as("probes do not queue behind predictions")
                    .isEqualTo(200);
            assertThat(http.get("/v2/models/iris").status()).isEqualTo(200);
            assertThat(http.get("/metrics").body())
                    .contains("fermion_inference_queued_requests{model=\"iris\"} 1\n")
                    .contains("fermion_inference_errors_total{model=\"iris\",code=\"503\"} 1\n");
        } finally {
            release.countDown();
        }
        busy.get(1, TimeUnit.MINUTES);
        assertThat(waiting.get(1, TimeUnit.MINUTES)).isEqualTo("ran after the busy one");
        assertThat(http.post("/v2/models/iris/infer", IrisRequests.tensor(0, 2)).status())
                .isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIsA413WhetherItsLengthIsSentOrNot() throws Exception {
        String padded = IrisRequests.tensor(0, 2).toString() + " ".repeat(LIMIT);
        Http.Response declared = http.post("/v2/models/iris/infer", padded);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.error()).isEqualTo("The request body is over the limit of 64 KiB; send smaller batches");

        // Chunks carry no length up front: the server stops reading at the limit instead of taking it all.
        byte[] bytes = padded.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> chunked = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.uri().resolve("/v2/models/iris/infer"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);

        String justUnder = IrisRequests.tensor(0, 2).toString();
        justUnder += " ".repeat(LIMIT - justUnder.length());
        assertThat(http.post("/v2/models/iris/infer", justUnder).status()).isEqualTo(200);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
