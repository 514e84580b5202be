package dev.fermion.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fermion.components.TestBundles;
import dev.fermion.components.model.MlpPredictor;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.table.Table;
import dev.fermion.serving.http.InferenceServer;
import dev.fermion.serving.model.ServedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceServerTest {
    @TempDir
    static Path dir;

    static Path classifier;
    static Path regressor;
    static List<double[]> expectedProbabilities;
    static List<String> expectedLabels;
    static List<double[]> expectedValues;
    static InferenceServer server;
    static Http http;

    @BeforeAll
    static void start() {
        classifier = TestBundles.classifier(dir.resolve("iris"));
        regressor = TestBundles.regressor(dir.resolve("sepal"));
        try (MlpPredictor direct = ModelBundle.open(classifier)) {
            expectedProbabilities = direct.predict(IrisRequests.IRIS);
            expectedLabels = expectedProbabilities.stream().map(direct::label).toList();
        }
        try (MlpPredictor direct = ModelBundle.open(regressor)) {
            expectedValues = direct.predict(IrisRequests.IRIS);
        }
        // Room for every request of answersConcurrentRequestsCorrectly: 4 running and 28 waiting.
        server = InferenceServer.start(
                List.of(
                        ServedModel.load("iris", classifier.toString(), classifier, 4, 28),
                        ServedModel.load("sepal", regressor.toString(), regressor, 2)),
                "127.0.0.1",
                0);
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void reportsHealthAndServerMetadata() {
        assertThat(server.uri().getPort()).isPositive();
        Http.Response live = http.get("/v2/health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.contentType()).startsWith("application/json");
        assertThat(live.json().get("live").asBoolean()).isTrue();
        Http.Response ready = http.get("/v2/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("ready").asBoolean()).isTrue();
        assertThat(http.get("/v2/models/iris/ready").json().get("ready").asBoolean())
                .isTrue();
        JsonNode metadata = http.get("/v2").json();
        assertThat(metadata.get("name").asText()).isEqualTo("fermion-serve");
        assertThat(metadata.get("version").asText()).isEqualTo("0.1.0-SNAPSHOT");
    }

    @Test
    void describesANumericClassifierAsOneFp32Tensor() {
        Http.Response response = http.get("/v2/models/iris");
        assertThat(response.status()).isEqualTo(200);
        JsonNode metadata = response.json();
        assertThat(metadata.get("name").asText()).isEqualTo("iris");
        assertThat(metadata.get("platform").asText()).isEqualTo("fermion-djl");
        assertThat(metadata.get("inputs")).hasSize(1);
        JsonNode input = metadata.get("inputs").get(0);
        assertThat(input.get("datatype").asText()).isEqualTo("FP32");
        assertThat(ints(input.get("shape"))).containsExactly(-1, 4);
        assertThat(texts(input.at("/parameters/feature_names"))).containsExactlyElementsOf(IrisRequests.MEASUREMENTS);
        JsonNode outputs = metadata.get("outputs");
        assertThat(outputs.get(0).get("name").asText()).isEqualTo("label");
        assertThat(outputs.get(0).get("datatype").asText()).isEqualTo("BYTES");
        assertThat(outputs.get(1).get("name").asText()).isEqualTo("probabilities");
        assertThat(ints(outputs.get(1).get("shape"))).containsExactly(-1, 3);
        assertThat(texts(outputs.get(1).at("/parameters/labels"))).containsExactly("setosa", "versicolor", "virginica");
    }

    @Test
    void describesAModelWithACategoricalFeatureColumnByColumn() {
        JsonNode metadata = http.get("/v2/models/sepal").json();
        List<String> names = new ArrayList<>();
        metadata.get("inputs").forEach(input -> names.add(input.get("name").asText()));
        assertThat(names).containsExactly("sepal_width", "petal_length", "species");
        JsonNode species = metadata.get("inputs").get(2);
        assertThat(species.get("datatype").asText()).isEqualTo("BYTES");
        assertThat(texts(species.at("/parameters/categories"))).containsExactly("setosa", "versicolor", "virginica");
        assertThat(metadata.get("outputs")).hasSize(1);
        assertThat(metadata.get("outputs").get(0).get("name").asText()).isEqualTo("value");
    }

    @Test
    void classifiesATensorAsTheBundleDoesDirectly() {
        ObjectNode request = IrisRequests.tensor(45, 60);
        request.put("id", "req-7");
        Http.Response response = http.post("/v2/models/iris/infer", request);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("model_name").asText()).isEqualTo("iris");
        assertThat(body.get("id").asText()).isEqualTo("req-7");
        assertPredicted(body, 45, 60);
        // Rows 45..59 straddle two species, so the labels are not all alike.
        assertThat(texts(output(body, "label").get("data"))).contains("setosa", "versicolor");
    }

    @Test
    void readsNestedTensorDataAndOneInputPerColumnAlike() {
        ObjectNode nested = IrisRequests.request();
        ObjectNode input =
                nested.withArray("inputs").addObject().put("name", "x").put("datatype", "FP32");
        input.putArray("shape").add(3).add(4);
        ArrayNode data = input.putArray("data");
        for (int r = 100; r < 103; r++) {
            ArrayNode row = data.addArray();
            for (String column : IrisRequests.MEASUREMENTS) {
                row.add(IrisRequests.value(r, column));
            }
        }
        Http.Response response = http.post("/v2/models/iris/infer", nested);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertPredicted(response.json(), 100, 103);

        Http.Response columns =
                http.post("/v2/models/iris/infer", IrisRequests.columns(100, 103, IrisRequests.MEASUREMENTS));
        assertThat(columns.status()).as(columns.body()).isEqualTo(200);
        assertPredicted(columns.json(), 100, 103);
    }

    @Test
    void returnsOnlyTheRequestedOutputs() {
        ObjectNode request = IrisRequests.tensor(0, 2);
        request.putArray("outputs").addObject().put("name", "probabilities");
        JsonNode body = http.post("/v2/models/iris/infer", request).json();
        assertThat(body.get("outputs")).hasSize(1);
        assertThat(body.get("outputs").get(0).get("name").asText()).isEqualTo("probabilities");
    }

    @Test
    void regressesWithCategoriesAndImputesMissingValues() throws Exception {
        ObjectNode request = IrisRequests.columns(10, 14, List.of("sepal_width", "petal_length"));
        ObjectNode species =
                request.withArray("inputs").addObject().put("name", "species").put("datatype", "BYTES");
        species.putArray("shape").add(4);
        ArrayNode data = species.putArray("data");
        for (int r = 10; r < 14; r++) {
            data.add(IrisRequests.IRIS.rows().get(r).values().get(IrisRequests.IRIS.index("species")));
        }
        Http.Response response = http.post("/v2/models/sepal/infer", request);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode value = output(response.json(), "value");
        assertThat(value.get("datatype").asText()).isEqualTo("FP32");
        assertThat(ints(value.get("shape"))).containsExactly(4);
        for (int r = 10; r < 14; r++) {
            assertThat(value.get("data").get(r - 10).asDouble())
                    .isCloseTo(expectedValues.get(r)[0], within(1e-4));
        }

        // A JSON null is a missing value: the bundle imputes it as it imputes an empty CSV field.
        Path csv = Files.writeString(dir.resolve("missing.csv"), "sepal_width,petal_length,species\n3.0,,virginica\n");
        double expected;
        try (MlpPredictor direct = ModelBundle.open(regressor)) {
            expected = direct.predict(Table.read(csv, Optional.empty())).get(0)[0];
        }
        ObjectNode missing = IrisRequests.request();
        IrisRequests.addColumn(missing, "sepal_width", "FP32", 3.0);
        IrisRequests.addColumn(missing, "petal_length", "FP32", null);
        ObjectNode speciesInput =
                missing.withArray("inputs").addObject().put("name", "species").put("datatype", "BYTES");
        speciesInput.putArray("shape").add(1);
        speciesInput.putArray("data").add("virginica");
        Http.Response imputed = http.post("/v2/models/sepal/infer", missing);
        assertThat(imputed.status()).as(imputed.body()).isEqualTo(200);
        assertThat(output(imputed.json(), "value").get("data").get(0).asDouble())
                .isCloseTo(expected, within(1e-4));
    }

    @Test
    void refusesBadRequestsNamingTheProblem() {
        assertRefused(http.post("/v2/models/nope/infer", IrisRequests.tensor(0, 1)), 404, "Model 'nope' is not served");
        assertRefused(http.get("/v2/models/nope"), 404, "Model 'nope' is not served");
        assertRefused(http.post("/v2/models/iris/infer", "{\"inputs\": [1,"), 400, "not valid JSON");
        assertRefused(http.post("/v2/models/iris/infer", ""), 400, "body is empty");
        assertRefused(http.post("/v2/models/iris/infer", "{\"id\": \"a\"}"), 400, "no 'inputs'");

        ObjectNode shape = IrisRequests.tensor(0, 2);
        ((ObjectNode) shape.get("inputs").get(0)).putArray("shape").add(2).add(3);
        assertRefused(http.post("/v2/models/iris/infer", shape), 400, "has shape [2, 3]");

        ObjectNode count = IrisRequests.tensor(0, 2);
        ((ArrayNode) count.get("inputs").get(0).get("data")).remove(0);
        assertRefused(http.post("/v2/models/iris/infer", count), 400, "has 7 data elements but its shape needs 8");

        ObjectNode datatype = IrisRequests.tensor(0, 2);
        ((ObjectNode) datatype.get("inputs").get(0)).put("datatype", "INT64");
        assertRefused(http.post("/v2/models/iris/infer", datatype), 400, "has datatype INT64");

        ObjectNode noShape = IrisRequests.tensor(0, 2);
        ((ObjectNode) noShape.get("inputs").get(0)).remove("shape");
        assertRefused(http.post("/v2/models/iris/infer", noShape), 400, "has no 'shape'");

        ObjectNode text = IrisRequests.tensor(0, 2);
        ((ArrayNode) text.get("inputs").get(0).get("data")).set(5, "abc");
        assertRefused(
                http.post("/v2/models/iris/infer", text),
                400,
                "Input 'input', row 1, feature 'sepal_width': \"abc\" is not a finite number");

        ObjectNode threeColumns = IrisRequests.columns(0, 2, IrisRequests.MEASUREMENTS.subList(0, 3));
        assertRefused(http.post("/v2/models/iris/infer", threeColumns), 400, "needs input(s) [petal_width]");

        ObjectNode output = IrisRequests.tensor(0, 1);
        output.putArray("outputs").addObject().put("name", "logits");
        assertRefused(http.post("/v2/models/iris/infer", output), 400, "has no output 'logits'");

        assertRefused(http.post("/v2/models/sepal/infer", IrisRequests.tensor(0, 1)), 400, "has categorical features");

        ObjectNode category = IrisRequests.columns(0, 1, List.of("sepal_width", "petal_length"));
        IrisRequests.addColumn(category, "species", "BYTES", 3.0);
        assertRefused(
                http.post("/v2/models/sepal/infer", category), 400, "Input 'species', row 0: 3.0 is not a string");

        assertRefused(http.get("/v1/models"), 404, "No endpoint GET /v1/models");
        assertRefused(http.get("/v2/models/iris/infer"), 405, "Method GET is not allowed on /v2/models/iris/infer");
        assertRefused(http.post("/v2/models/iris/infer", " ".repeat(5 * 1024 * 1024)), 413, "over the limit of 4 MiB");
    }

    @Test
    void answersConcurrentRequestsCorrectly() throws Exception {
        int requests = 32;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Http.Response>> responses = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int first = (i * 4) % 146;
                responses.add(pool.submit(() -> {
                    go.await();
                    return http.post("/v2/models/iris/infer", IrisRequests.tensor(first, first + 4));
                }));
            }
            go.countDown();
            for (int i = 0; i < requests; i++) {
                Http.Response response = responses.get(i).get();
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                int first = (i * 4) % 146;
                assertPredicted(response.json(), first, first + 4);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertRefused(Http.Response response, int status, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.error()).contains(message);
    }

    private static void assertPredicted(JsonNode body, int from, int to) {
        JsonNode labels = output(body, "label");
        assertThat(labels.get("datatype").asText()).isEqualTo("BYTES");
        assertThat(ints(labels.get("shape"))).containsExactly(to - from);
        assertThat(texts(labels.get("data"))).containsExactlyElementsOf(expectedLabels.subList(from, to));
        JsonNode probabilities = output(body, "probabilities");
        assertThat(probabilities.get("datatype").asText()).isEqualTo("FP32");
        assertThat(ints(probabilities.get("shape"))).containsExactly(to - from, 3);
        for (int r = from; r < to; r++) {
            for (int c = 0; c < 3; c++) {
                assertThat(probabilities.get("data").get((r - from) * 3 + c).asDouble())
                        .isCloseTo(expectedProbabilities.get(r)[c], within(1e-5));
            }
        }
    }

    private static JsonNode output(JsonNode body, String name) {
        for (JsonNode output : body.get("outputs")) {
            if (output.get("name").asText().equals(name)) {
                return output;
            }
        }
        throw new AssertionError("No output '" + name + "' in " + body);
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asInt()));
        return values;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
