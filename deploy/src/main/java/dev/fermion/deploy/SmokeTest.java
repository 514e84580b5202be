package dev.fermion.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.preprocess.Feature;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.table.ColumnType;
import dev.fermion.serving.protocol.ModelSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A real prediction against a freshly started server, before it takes traffic. The request is one typical
 * row, built from what the bundle learned about its inputs: the training mean (or the middle of the
 * training range) of each numeric feature and the first known category of each categorical one, in the
 * form {@link ModelSignature} says the server accepts.
 */
public final class SmokeTest {
    /** The request sent and the answer the server gave, for the step's log. */
    public record Exchange(URI url, String request, String response) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** A one-row infer request for {@code bundle}. */
    public static ObjectNode request(ModelBundle bundle) {
        ModelSignature signature = ModelSignature.of(bundle);
        Preprocessing preprocessing = bundle.preprocessing();
        ObjectNode request = JSON.createObjectNode();
        request.put("id", "fermion-smoke-test");
        if (signature.numericOnly()) {
            ObjectNode input = request.putArray("inputs")
                    .addObject()
                    .put("name", ModelSignature.TENSOR_INPUT)
                    .put("datatype", "FP32");
            input.putArray("shape").add(1).add(signature.features().size());
            var data = input.putArray("data");
            signature.features().forEach(f -> data.add(typical(f, preprocessing)));
            return request;
        }
        var inputs = request.putArray("inputs");
        for (Feature feature : signature.features()) {
            ObjectNode input = inputs.addObject().put("name", feature.column());
            input.putArray("shape").add(1);
            if (feature.type() == ColumnType.NUMERIC) {
                input.put("datatype", "FP32").putArray("data").add(typical(feature, preprocessing));
            } else {
                // A category-less column (every training value missing) is sent missing, as a model saw it.
                input.put("datatype", "BYTES")
                        .putArray("data")
                        .add(
                                feature.categories().isEmpty()
                                        ? ""
                                        : feature.categories().get(0));
            }
        }
        return request;
    }

    private static double typical(Feature feature, Preprocessing preprocessing) {
        switch (preprocessing.scaling()) {
            case STANDARD:
                return feature.center();
            case MIN_MAX:
                return feature.center() + feature.scale() / 2;
            default:
                return feature.fill();
        }
    }

    /**
     * Sends the request for {@code bundle} to the model {@code name} at {@code base} and checks that every
     * output the signature promises came back with a value; fails with the server's answer otherwise.
     */
    public Exchange run(URI base, String name, ModelBundle bundle) {
        URI url = base.resolve("/v2/models/" + name + "/infer");
        String body = request(bundle).toString();
        HttpResponse<String> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(url)
                            .timeout(TIMEOUT)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("The smoke test could not reach " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during the smoke test of " + url, e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "The smoke test of " + url + " got HTTP " + response.statusCode() + ": " + response.body());
        }
        List<String> expected = ModelSignature.of(bundle).outputNames();
        JsonNode outputs;
        try {
            outputs = JSON.readTree(response.body()).path("outputs");
        } catch (IOException e) {
            throw new IllegalStateException(
                    "The smoke test of " + url + " got a body that is not JSON: " + response.body(), e);
        }
        for (String output : expected) {
            boolean answered = false;
            for (JsonNode node : outputs) {
                answered |= output.equals(node.path("name").asText())
                        && node.path("data").size() > 0;
            }
            if (!answered) {
                throw new IllegalStateException(
                        "The smoke test of " + url + " got no '" + output + "' output: " + response.body());
            }
        }
        return new Exchange(url, body, response.body());
    }
}
