package dev.fermion.serving.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.serving.metrics.InferenceMetrics;
import dev.fermion.serving.metrics.ProcessMetrics;
import dev.fermion.serving.model.AtCapacityException;
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
import io.javalin.http.Header;
import io.javalin.http.HttpResponseException;
import io.javalin.router.JavalinDefaultRouting;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST side of the server: the Open Inference Protocol v2 endpoints and Prometheus metrics, over
 * Javalin. Every refusal is a JSON object {@code {"error": "..."}} with a 4xx status, or 503 when a model
 * is at capacity.
 *
 * <p>Bounded under any load: a fixed pool of HTTP threads reads each request and hands it to its model's
 * fixed workers through a bounded queue, so no HTTP thread waits for a prediction; a request that finds
 * the queue full is answered 503 with {@code Retry-After} at once. Health, metadata and metrics calls
 * never queue behind predictions, so probes still answer under overload.
 */
public final class InferenceServer implements AutoCloseable {
    public static final String NAME = "fermion-serve";
    /** Seconds a client refused for capacity is asked to wait: a queue drains in about that time. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);
    private static final String JSON_TYPE = "application/json";
    // Connections the kernel holds until the acceptor takes them: a burst of clients connects at once
    // instead of retrying dropped connection attempts a second later.
    private static final int ACCEPT_QUEUE = 1024;
    private static final int HTTP_IDLE_MILLIS = 60_000;

    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final Map<String, ModelSignature> signatures = new LinkedHashMap<>();
    private final ObjectMapper json = new ObjectMapper();
    private final RequestReader reader = new RequestReader(json);
    private final ResponseWriter writer = new ResponseWriter(json);
    private final ServerLimits limits;
    private final InferenceMetrics metrics;
    private final QueuedThreadPool httpThreads;
    private final Javalin app;
    private final URI uri;
    private final String version = version();
    // Models are loaded before the server starts, so it is ready until it begins to stop.
    private volatile boolean ready = true;

    /** A finished infer request: its status and JSON body, written by a worker, sent by an HTTP thread. */
    private record Answer(int status, String body) {}

    private InferenceServer(List<ServedModel> served, String host, int port, ServerLimits limits) {
        this.limits = limits;
        Map<String, IntSupplier> queued = new LinkedHashMap<>();
        for (ServedModel model : served) {
            if (models.put(model.name(), model) != null) {
                throw new IllegalArgumentException("Model name '" + model.name() + "' is given twice");
            }
            signatures.put(model.name(), ModelSignature.of(model.bundle()));
            queued.put(model.name(), model::queued);
        }
        metrics = new InferenceMetrics(queued);
        // All started at once and never more: the pool's size is the server's HTTP thread count under any load.
        httpThreads = new QueuedThreadPool(limits.httpThreads(), limits.httpThreads(), HTTP_IDLE_MILLIS);
        httpThreads.setName(NAME + "-http");
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.maxRequestSize = limits.maxRequestBytes();
            config.http.prefer405over404 = true;
            config.jetty.threadPool = httpThreads;
            config.jetty.addConnector((server, http) -> {
                // One acceptor and one selector thread serve thousands of connections.
                ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
                connector.setHost(host);
                connector.setPort(port);
                connector.setAcceptQueueSize(ACCEPT_QUEUE);
                return connector;
            });
            config.router.mount(this::routes);
        });
        app.start();
        String authority = host.contains(":") ? "[" + host + "]" : host;
        uri = URI.create("http://" + authority + ":" + app.port());
    }

    /** Serves {@code models} on {@code host}:{@code port} within the default limits. */
    public static InferenceServer start(List<ServedModel> models, String host, int port) {
        return start(models, host, port, ServerLimits.defaults());
    }

    /** Serves {@code models} on {@code host}:{@code port}; port 0 takes a free port (see {@link #uri}). */
    public static InferenceServer start(List<ServedModel> models, String host, int port, ServerLimits limits) {
        return new InferenceServer(models, host, port, limits);
    }

    public URI uri() {
        return uri;
    }

    private void routes(JavalinDefaultRouting router) {
        router.get("/v2", ctx -> respond(ctx, 200, writer.serverMetadata(NAME, version)));
        router.get(
                "/v2/health/live",
                ctx -> respond(ctx, 200, json.createObjectNode().put("live", true)));
        router.get(
                "/v2/health/ready",
                ctx -> respond(ctx, ready ? 200 : 503, json.createObjectNode().put("ready", ready)));
        router.get("/v2/models/{name}", ctx -> {
            String name = model(ctx.pathParam("name")).name();
            respond(ctx, 200, writer.modelMetadata(name, signatures.get(name)));
        });
        router.get(
                "/v2/models/{name}/ready",
                ctx -> respond(
                        ctx,
                        ready ? 200 : 503,
                        json.createObjectNode()
                                .put("name", model(ctx.pathParam("name")).name())
                                .put("ready", ready)));
        router.post("/v2/models/{name}/infer", this::infer);
        router.get(
                "/metrics",
                ctx -> ctx.contentType(InferenceMetrics.CONTENT_TYPE)
                        .result(metrics.exposition() + ProcessMetrics.exposition()));

        router.exception(ApiException.class, (e, ctx) -> respond(ctx, e.status(), writer.error(e.getMessage())));
        // Javalin's own refusals: no such route, wrong method.
        router.exception(
                HttpResponseException.class,
                (e, ctx) -> respond(ctx, e.getStatus(), writer.error(refusal(e.getStatus(), ctx))));
        router.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            respond(ctx, 500, writer.error("Internal error: " + e));
        });
    }

    /**
     * Reads the body on this HTTP thread, then hands the request to one of the model's workers and returns:
     * the worker reads and predicts, and an HTTP thread sends the answer, so a slow client never holds a
     * worker.
     */
    private void infer(Context ctx) {
        String name = ctx.pathParam("name");
        long start = System.nanoTime();
        try {
            ServedModel model = model(name);
            byte[] body = body(ctx);
            CompletableFuture<Answer> answer = model.submit(() -> answer(model, body));
            ctx.future(() -> answer.thenAcceptAsync(
                    done -> {
                        ctx.status(done.status()).contentType(JSON_TYPE).result(done.body());
                        metrics.record(name, done.status(), seconds(start));
                    },
                    httpThreads));
        } catch (AtCapacityException e) {
            ctx.header(Header.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
            respond(ctx, 503, writer.error(e.getMessage()));
            metrics.record(name, 503, seconds(start));
        } catch (ApiException e) {
            metrics.record(name, e.status(), seconds(start));
            throw e;
        }
    }

    /** The body, read only up to the size limit, whether the client sent its length or chunks. */
    private byte[] body(Context ctx) {
        long limit = limits.maxRequestBytes();
        if (ctx.req().getContentLengthLong() > limit) {
            throw new ApiException(413, tooLarge());
        }
        byte[] body;
        try {
            body = ctx.req().getInputStream().readNBytes((int) limit + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("The request body could not be read: " + e.getMessage());
        }
        if (body.length > limit) {
            throw new ApiException(413, tooLarge());
        }
        return body;
    }

    private String tooLarge() {
        return "The request body is over the limit of " + ServerLimits.describe(limits.maxRequestBytes())
                + "; send smaller batches";
    }

    /** Runs on a worker of {@code model}: every outcome becomes an answer, so the HTTP thread only sends it. */
    private Answer answer(ServedModel model, byte[] body) {
        String name = model.name();
        try {
            ModelSignature signature = signatures.get(name);
            InferenceRequest request = reader.read(name, signature, body);
            Predictions predictions = predict(model, request);
            return new Answer(200, write(writer.inferResponse(name, request, signature, predictions)));
        } catch (ApiException e) {
            return new Answer(e.status(), write(writer.error(e.getMessage())));
        } catch (InterruptedException e) {
            // Only a stopping server interrupts its workers.
            Thread.currentThread().interrupt();
            return new Answer(503, write(writer.error("The server is stopping")));
        } catch (RuntimeException e) {
            LOG.error("POST /v2/models/{}/infer failed", name, e);
            return new Answer(500, write(writer.error("Internal error: " + e)));
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
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
            throw new ApiException(
                    422,
                    "Model '" + model.name() + "' computed " + e.value() + " for row " + e.row()
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
            default:
                return "HTTP " + status + " on " + ctx.method() + " " + ctx.path();
        }
    }

    private ServedModel model(String name) {
        ServedModel model = models.get(name);
        if (model == null) {
            throw new ApiException(
                    404, "Model '" + name + "' is not served here; this server serves " + models.keySet());
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
