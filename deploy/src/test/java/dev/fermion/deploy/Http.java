package dev.fermion.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Real HTTP requests against a running server. */
public final class Http {
    public record Response(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Response is not JSON: " + body, e);
            }
        }
    }

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {}

    public static Response post(URI url, JsonNode body) throws IOException {
        try {
            HttpResponse<String> response = CLIENT.send(
                    HttpRequest.newBuilder(url)
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The probabilities a model at {@code modelUrl} gives the bundle's smoke-test row. */
    public static JsonNode probabilities(URI modelUrl, JsonNode request) {
        try {
            Response response = post(URI.create(modelUrl + "/infer"), request);
            if (response.status() != 200) {
                throw new AssertionError("HTTP " + response.status() + ": " + response.body());
            }
            for (JsonNode output : response.json().path("outputs")) {
                if (output.path("name").asText().equals("probabilities")) {
                    return output.path("data");
                }
            }
            throw new AssertionError("no probabilities in " + response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
