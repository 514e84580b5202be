package dev.fermion.serving;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fermion.components.TestBundles;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.serving.http.InferenceServer;
import dev.fermion.serving.model.ServedModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NaN and infinity are never an answer: not in a request, not from scaling, not from the model. */
class NonFiniteTest {
    @TempDir
    static Path dir;

    static InferenceServer server;
    static Http http;

    @BeforeAll
    static void start() {
        Path iris = TestBundles.classifier(dir.resolve("iris"));
        Path diverged = diverged(TestBundles.classifier(dir.resolve("diverged")));
        server = InferenceServer.start(
                List.of(
                        ServedModel.load("iris", iris.toString(), iris, 1),
                        ServedModel.load("diverged", diverged.toString(), diverged, 1)),
                "127.0.0.1",
                0);
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The bundle as a training run that diverged leaves it: every weight NaN. */
    private static Path diverged(Path bundle) {
        ModelBundle description = ModelBundle.read(bundle);
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(description.architecture().build());
            model.getBlock()
                    .initialize(
                            model.getNDManager(),
                            DataType.FLOAT32,
                            new Shape(1, description.architecture().inputs()));
            for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
                parameter.getValue().getArray().muli(Float.NaN);
            }
            description.write(bundle, model);
        }
        return bundle;
    }

    private static ObjectNode tensor(String datatype, double... row) {
        ObjectNode request = IrisRequests.request();
        ObjectNode input =
                request.withArray("inputs").addObject().put("name", "input").put("datatype", datatype);
        input.putArray("shape").add(1).add(row.length);
        ArrayNode data = input.putArray("data");
        for (double value : row) {
            data.add(value);
        }
        return request;
    }

    @Test
    void aValueBeyondFp32IsRefusedNamingItsElement() {
        Http.Response response = http.post("/v2/models/iris/infer", tensor("FP32", 3.5e38, 3.5, 1.4, 0.2));
        assertRefused(response, 400, "Input 'input', row 0, feature 'sepal_length': 3.5E38 overflows FP32");

        ObjectNode second = tensor("FP32", 5.1, 3.5, 1.4, 0.2, 6.0, 3.0, 4.8, -3.5e38);
        ((ObjectNode) second.get("inputs").get(0)).putArray("shape").add(2).add(4);
        assertRefused(
                http.post("/v2/models/iris/infer", second),
                400,
                "Input 'input', row 1, feature 'petal_width': -3.5E38 overflows FP32");

        ObjectNode column = IrisRequests.columns(0, 1, IrisRequests.MEASUREMENTS);
        ((ArrayNode) column.get("inputs").get(2).get("data"))
                .removeAll()
                .addArray()
                .add(4e38);
        assertRefused(
                http.post("/v2/models/iris/infer", column), 400, "Input 'petal_length', row 0: 4.0E38 overflows FP32");
    }

    @Test
    void nanAndInfinityAreRefusedInEveryForm() {
        assertRefused(
                http.post(
                        "/v2/models/iris/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", "
                                + "\"shape\": [1, 4], \"data\": [NaN, 3.5, 1.4, 0.2]}]}"),
                400,
                "not valid JSON");
        ObjectNode text = tensor("FP32", 5.1, 3.5, 1.4, 0.2);
        ((ArrayNode) text.get("inputs").get(0).get("data")).set(1, "Infinity");
        assertRefused(
                http.post("/v2/models/iris/infer", text),
                400,
                "Input 'input', row 0, feature 'sepal_width': \"Infinity\" is not a finite number");
        // 1e400 is no double: JSON reads it as infinity.
        assertRefused(
                http.post(
                        "/v2/models/iris/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP64\", "
                                + "\"shape\": [1, 4], \"data\": [5.1, 1e400, 1.4, 0.2]}]}"),
                400,
                "Input 'input', row 0, feature 'sepal_width'");
    }

    @Test
    void aFiniteValueThatScalesBeyondFp32IsRefusedNamingItsElement() {
        // FP64 carries it, but standardised with iris's statistics it is no FP32 number.
        assertRefused(
                http.post("/v2/models/iris/infer", tensor("FP64", 5.1, 3.5, 1e300, 0.2)),
                400,
                "Input 'input', row 0, feature 'petal_length': 1.0E300 is outside the range model 'iris' takes");
        // Within FP32, but petal width's small spread scales it past FP32's largest value.
        assertRefused(
                http.post("/v2/models/iris/infer", tensor("FP32", 5.1, 3.5, 1.4, 3.4e38)),
                400,
                "Input 'input', row 0, feature 'petal_width': 3.4E38 is outside the range model 'iris' takes");
    }

    @Test
    void aModelThatComputesNanGivesNoAnswerAndIsCounted() {
        Http.Response response = http.post("/v2/models/diverged/infer", tensor("FP32", 5.1, 3.5, 1.4, 0.2));
        assertRefused(response, 422, "Model 'diverged' computed NaN for row 0 from finite inputs");
        assertThat(response.body()).doesNotContain("\"probabilities\"", "\"label\"");

        assertThat(http.post("/v2/models/iris/infer", tensor("FP32", 5.1, 3.5, 1.4, 0.2))
                        .status())
                .isEqualTo(200);
        String metrics = http.get("/metrics").body();
        assertThat(metrics)
                .contains("# TYPE fermion_inference_nonfinite_outputs_total counter\n")
                .contains("fermion_inference_nonfinite_outputs_total{model=\"diverged\"} 1\n")
                .contains("fermion_inference_nonfinite_outputs_total{model=\"iris\"} 0\n")
                .contains("fermion_inference_errors_total{model=\"diverged\",code=\"422\"} 1\n");
    }

    private static void assertRefused(Http.Response response, int status, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.error()).contains(message);
        assertThat(response.body()).doesNotContain("NaN\"]", "Infinity\"]");
    }
}
