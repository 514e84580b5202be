package dev.fermion.tracking;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class LocalMlflowServerTest {

    @Test
    void startsOnLoopbackReportsStatusAndStops() throws Exception {
        Path data = Path.of("target", "mlflow-local-" + UUID.randomUUID()).toAbsolutePath();
        MlflowServer fixture = MlflowServer.start(data);
        LocalMlflowServer server = fixture.local();
        URI uri = fixture.uri();
        try {
            assertThat(uri.getHost()).isEqualTo("127.0.0.1");
            assertThat(server.status()).contains(uri);
            assertThat(server.start()).as("a second start reuses the running server").isEqualTo(uri);
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(uri + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(data.resolve("mlflow.db")).exists();
            assertThat(Files.isDirectory(data.resolve("artifacts"))).isTrue();
        } finally {
            fixture.stop();
        }
        assertThat(server.status()).isEmpty();
    }
}
