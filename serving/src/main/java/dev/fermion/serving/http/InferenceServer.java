package dev.fermion.serving.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.serving.metrics.InferenceMetrics;
import dev.fermion.serving.model.NonFiniteOutputException;
import dev.fermion.serving.model.Predictions;
import dev.fermion.serving.model.ServedModel;
import dev.fermion.serving.model.UnscalableInputException;
import dev.fermion.serving.protocol.ApiException;
import dev.fermion.serving.protocol.InferenceRequest;
import dev.fermion.serving.protocol.ModelSignature;
import dev.fermion.serving.protocol.RequestReader;
import dev.fermion.serving.protocol.ResponseWriter;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.JavalinDefaultRouting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The REST side of the server: the Open Inference Protocol v2 endpoints and Prometheus metrics, over
 * Javalin. Every refusal is a JSON object {@code {"error": "..."}} with a 4xx status.
 */
public final class InferenceServer implements AutoCloseable {
    public static final String NAME = "fermion-serve";
    private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);
    private static final String JSON_TYPE = "application/json";
    // Room for batches of tens of thousands of rows; larger batches belong to BatchPredict.
    private static final long MAX_REQUEST_BYTES = 16L * 1024 * 1024;

    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final Map<String, ModelSignature> signatures = new LinkedHashMap<>();
    private final ObjectMapper json = new ObjectMapper();
    private final RequestReader reader = new RequestReader(json);
    private final ResponseWriter writer = new ResponseWriter(json);
    private final InferenceMetrics metrics;
    private final Javalin app;
    private final URI uri;
    private final String version = version();
    // Models are loaded before the server starts, so it is ready until it begins to stop.
    private volatile boolean ready = true;

    private InferenceServer(List<ServedModel> served, String host, int port) {
        for (ServedModel model : served) {
            if (models.put(model.name(), model) != null) {
                throw new IllegalArgumentException("Model name '" + model.name() + "' is given twice");
            }
            signatures.put(model.name(), ModelSignature.of(model.bundle()));
        }
        metrics = new InferenceMetrics(models.keySet());
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.http.prefer405over404 = true;
            config.router.mount(this::routes);
        });
        app.start(host, port);
        String authority = host.contains(":") ? "[" + host + "]" : host;
        uri = URI.create("http://" + authority + ":" + app.port());
    }

    /** Serves {@code models} on {@code host}:{@code port}; port 0 takes a free port (see {@link #uri}). */
    public static InferenceServer start(List<ServedModel> models, String host, int port) {
        return new InferenceServer(models, host, port);
    }

    public URI uri() {
        return uri;
    }

    private void routes(JavalinDefaultRouting router) {
        router.get("/v2", ctx -> respond(ctx, 200, writer.serverMetadata(NAME, version)));
        router.get("/v2/health/live", ctx -> respond(ctx, 200, json.createObjectNode().put("live", true)));
        router.get("/v2/health/ready", ctx -> respond(ctx, ready ? 200 : 503,
                json.createObjectNode().put("ready", ready)));
        router.get("/v2/models/{name}", ctx -> {
            String name = model(ctx.pathParam("name")).name();
            respond(ctx, 200, writer.modelMetadata(name, signatures.get(name)));
        });
        router.get("/v2/models/{name}/ready", ctx -> respond(ctx, ready ? 200 : 503, json.createObjectNode()
                .put("name", model(ctx.pathParam("name")).name()).put("ready", ready)));
        router.post("/v2/models/{name}/infer", this::infer);
        router.get("/metrics", ctx -> ctx.contentType(InferenceMetrics.CONTENT_TYPE).result(metrics.exposition()));

        router.exception(ApiException.class, (e, ctx) -> respond(ctx, e.status(), writer.error(e.getMessage())));
        // Javalin's own refusals: no such route, wrong method, a body over the size limit.
        router.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, e.getStatus(),
                writer.error(refusal(e.getStatus(), ctx))));
        router.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            respond(ctx, 500, writer.error("Internal error: " + e));
        });
    }

    private void infer(Context ctx) throws InterruptedException {
        String name = ctx.pathParam("name");
        long start = System.nanoTime();
        int status = 500;
        try {
            ServedModel model = model(name);
            ModelSignature signature = signatures.get(name);
            InferenceRequest request = reader.read(name, signature, ctx.bodyAsBytes());
            Predictions predictions = predict(model, request);
            String body = write(writer.inferResponse(name, request, signature, predictions));
            ctx.status(200).contentType(JSON_TYPE).result(body);
            status = 200;
        } catch (ApiException e) {
            status = e.status();
            throw e;
        } catch (HttpResponseException e) {
            status = e.getStatus();
            throw e;
        } finally {
            metrics.record(name, status, (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * The model's answer, which is never NaN or infinite. A value the model cannot scale is the request's
     * fault: 400. A non-finite result from finite features is 422: the request is well-formed, there is no
     * answer to it, and sending it again cannot help. Not a 5xx: the usual cause is values far outside what
     * the model was trained on, and a 5xx would make a healthy replica look failing to retries and outlier
     * detection; a model broken for every input fails its deployment's smoke test instead. Each one is
     * counted, so a model that produces them shows on the dashboards.
     */
    private Predictions predict(ServedModel model, InferenceRequest request) throws InterruptedException {
        try {
            return model.predict(request.rows());
        } catch (UnscalableInputException e) {
            throw ApiException.badRequest(request.element(e.row(), e.column()) + ": " + e.value() + " is outside "
                    + "the range model '" + model.name() + "' takes: scaled with the statistics it was trained on, "
                    + "it overflows FP32");
        } catch (NonFiniteOutputException e) {
            metrics.recordNonFiniteOutput(model.name());
            throw new ApiException(422, "Model '" + model.name() + "' computed " + e.value() + " for row " + e.row()
                    + " from finite inputs; a non-finite number is no answer, so none is given. The values are "
                    + "outside what the model can compute with, or its weights are broken");
        }
    }

    private static String refusal(int status, Context ctx) {
        switch (status) {
            case 404:
                return "No endpoint " + ctx.method() + " " + ctx.path() + "; this server speaks the Open Inference "
                        + "Protocol v2 under /v2 and serves /metrics";
            case 405:
                return "Method " + ctx.method() + " is not allowed on " + ctx.path();
            case 413:
                return "The request body is over the limit of " + MAX_REQUEST_BYTES / (1024 * 1024)
                        + " MiB; send smaller batches";
            default:
                return "HTTP " + status + " on " + ctx.method() + " " + ctx.path();
        }
    }

    private ServedModel model(String name) {
        ServedModel model = models.get(name);
        if (model == null) {
            throw new ApiException(404, "Model '" + name + "' is not served here; this server serves "
                    + models.keySet());
        }
        return model;
    }

    private void respond(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType(JSON_TYPE).result(write(body));
    }

    private String write(JsonNode body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a JSON response", e);
        }
    }

    private static String version() {
        Properties properties = new Properties();
        try (InputStream in = InferenceServer.class.getResourceAsStream("/dev/fermion/serving/server.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("The server's version resource is unreadable", e);
        }
        return properties.getProperty("version");
    }

    /** Stops taking requests (readiness turns false first), then frees every model's native memory. */
    @Override
    public void close() {
        ready = false;
        app.stop();
        models.values().forEach(ServedModel::close);
    }
}
