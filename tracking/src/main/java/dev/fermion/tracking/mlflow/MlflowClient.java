package dev.fermion.tracking.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fermion.contract.TrackingEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The only code that speaks MLflow's REST API (tracking, MLflow 3 logged models, model registry and the
 * proxied {@code mlflow-artifacts} store). Each call is sent again after transient failures according to
 * its {@link RetryPolicy}; what still fails is an {@link MlflowException}.
 *
 * <p>Long on purpose: one short method per REST call MLflow serves (36 of them), and the seam is worth more
 * whole, in one place that knows the wire format, than split by resource.
 */
public final class MlflowClient {
    /** The prefix of an experiment tag that holds a shared view of its runs table, which a page link can name. */
    public static final String SHARED_VIEW_TAG_PREFIX = "mlflow.sharedViewState.";
    /** MLflow 3's experiment tag telling training experiments ("Machine learning") from GenAI ones. */
    private static final String EXPERIMENT_KIND = "mlflow.experimentKind";

    private static final String TRAINING_KIND = "custom_model_development";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/api/2.0/mlflow/";
    private static final String ARTIFACTS_API = "/api/2.0/mlflow-artifacts/artifacts";
    private static final String ARTIFACTS_SCHEME = "mlflow-artifacts:";

    private final URI baseUri;
    private final MlflowCredentials credentials;
    private final RetryPolicy retry;
    private final HttpClient http;

    /**
     * @param credentials sent with every request; never part of any message
     */
    public MlflowClient(URI baseUri, MlflowCredentials credentials, RetryPolicy retry) {
        String text = baseUri.toString();
        this.baseUri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.credentials = java.util.Objects.requireNonNull(credentials, "credentials");
        this.retry = retry;
        this.http = HttpClient.newBuilder()
                .connectTimeout(retry.requestTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public URI baseUri() {
        return baseUri;
    }

    /** The UI page of a run. */
    public String runUrl(String experimentId, String runId) {
        return page("/experiments/" + experimentId + "/runs/" + runId);
    }

    /** The UI page of a run's artifact {@code path}, previewed. */
    public String artifactUrl(String experimentId, String runId, String path) {
        return page("/experiments/" + experimentId + "/runs/" + runId + "/artifacts/" + path);
    }

    /** The UI page listing an experiment's training runs. */
    public String experimentUrl(String experimentId) {
        return page("/experiments/" + experimentId + "/runs");
    }

    /**
     * The experiment's runs in the shared view {@code view} (an experiment tag {@value #SHARED_VIEW_TAG_PREFIX}
     * {@code view} holding the table's state, as MLflow's "share" writes it); the plain runs page when null.
     */
    public String experimentUrl(String experimentId, String view) {
        String url = experimentUrl(experimentId);
        return view == null ? url : url + "&viewStateShareKey=" + encode(view);
    }

    /** The UI page listing an experiment's logged models, with their metrics and params. */
    public String experimentModelsUrl(String experimentId) {
        return page("/experiments/" + experimentId + "/models");
    }

    /** The UI page of a logged model. */
    public String loggedModelUrl(String experimentId, String modelId) {
        return page("/experiments/" + experimentId + "/models/" + modelId);
    }

    /**
     * A page of the UI in its training view: without the parameter a browser that never chose a view opens
     * MLflow 3's GenAI view ("Agent versions", "Evaluations"), which is not where trained models are compared.
     */
    private String page(String route) {
        return baseUri + "/#" + route + "?workflowType=machine_learning";
    }

    // ---- experiments

    /** The id of the active experiment called {@code name}, creating it (or restoring a deleted one). */
    public String experimentId(String name) {
        Optional<JsonNode> found = experimentByName(name);
        if (found.isEmpty()) {
            ObjectNode body = JSON.createObjectNode().put("name", name);
            // MLflow 3 tells training experiments from GenAI ones by this tag; Fermion pipelines train models.
            body.putArray("tags").addObject().put("key", EXPERIMENT_KIND).put("value", TRAINING_KIND);
            try {
                return post("experiments/create", body).path("experiment_id").asText();
            } catch (MlflowException e) {
                // Another client created it between our lookup and our create.
                if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) {
                    throw e;
                }
                found = experimentByName(name);
            }
        }
        JsonNode experiment = found.orElseThrow(
                () -> new MlflowException("experiment " + name + " vanished while it was being created", 0, "", null));
        String id = experiment.path("experiment_id").asText();
        if ("deleted".equals(experiment.path("lifecycle_stage").asText())) {
            post("experiments/restore", JSON.createObjectNode().put("experiment_id", id));
        }
        return id;
    }

    /**
     * Makes an experiment that exists without a kind a training one, as those Fermion creates are: MLflow 3
     * opens an experiment of no kind in its GenAI view. A kind a user chose is left alone.
     */
    public void ensureTrainingExperiment(String experimentId) {
        JsonNode experiment =
                get("experiments/get?experiment_id=" + encode(experimentId)).path("experiment");
        for (JsonNode tag : experiment.path("tags")) {
            if (EXPERIMENT_KIND.equals(tag.path("key").asText())) {
                return;
            }
        }
        post(
                "experiments/set-experiment-tag",
                JSON.createObjectNode()
                        .put("experiment_id", experimentId)
                        .put("key", EXPERIMENT_KIND)
                        .put("value", TRAINING_KIND));
    }

    public void setExperimentTag(String experimentId, String key, String value) {
        post(
                "experiments/set-experiment-tag",
                JSON.createObjectNode()
                        .put("experiment_id", experimentId)
                        .put("key", key)
                        .put("value", value));
    }

    private Optional<JsonNode> experimentByName(String name) {
        try {
            return Optional.of(get("experiments/get-by-name?experiment_name=" + encode(name))
                    .path("experiment"));
        } catch (MlflowException e) {
            if ("RESOURCE_DOES_NOT_EXIST".equals(e.errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    // ---- runs

    public RunInfo createRun(String experimentId, String runName, long startTime, Collection<Tag> tags) {
        ObjectNode body = JSON.createObjectNode()
                .put("experiment_id", experimentId)
                .put("run_name", runName)
                .put("start_time", startTime);
        body.set("tags", tagArray(tags));
        return runInfo(post("runs/create", body).path("run"));
    }

    public RunInfo getRun(String runId) {
        return runInfo(get("runs/get?run_id=" + encode(runId)).path("run"));
    }

    /** Active runs of the experiment whose tag {@code key} equals {@code value}. */
    public List<RunInfo> findRunsByTag(String experimentId, String key, String value) {
        ObjectNode body = JSON.createObjectNode()
                .put("filter", tagFilter(key, value))
                .put("max_results", 1000)
                .put("run_view_type", "ACTIVE_ONLY");
        body.putArray("experiment_ids").add(experimentId);
        List<RunInfo> runs = new ArrayList<>();
        String page = "";
        do {
            if (!page.isEmpty()) {
                body.put("page_token", page);
            }
            JsonNode response = post("runs/search", body);
            response.path("runs").forEach(run -> runs.add(runInfo(run)));
            page = response.path("next_page_token").asText("");
        } while (!page.isEmpty());
        return runs;
    }

    public void renameRun(String runId, String runName) {
        post("runs/update", JSON.createObjectNode().put("run_id", runId).put("run_name", runName));
    }

    public void endRun(String runId, RunStatus status, long endTime) {
        ObjectNode body = JSON.createObjectNode()
                .put("run_id", runId)
                .put("status", status.name())
                .put("end_time", endTime);
        post("runs/update", body);
    }

    /** Logs any amount of data, in as many {@code log-batch} requests as the server's limits need. */
    public void log(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
        // The server refuses a request naming a param twice; merged batches may repeat one.
        Map<String, Param> uniqueParams = new LinkedHashMap<>();
        params.forEach(p -> uniqueParams.putIfAbsent(p.key(), p));
        Map<String, Tag> lastTags = new LinkedHashMap<>();
        tags.forEach(t -> lastTags.put(t.key(), t));
        for (LogBatch batch :
                LogBatch.split(metrics, List.copyOf(uniqueParams.values()), List.copyOf(lastTags.values()))) {
            ObjectNode body = JSON.createObjectNode().put("run_id", runId);
            ArrayNode m = body.putArray("metrics");
            for (Metric metric : batch.metrics()) {
                ObjectNode row = m.addObject()
                        .put("key", metric.key())
                        .put("value", metric.value())
                        .put("timestamp", metric.timestamp())
                        .put("step", metric.step());
                if (metric.modelId() != null) {
                    row.put("model_id", metric.modelId());
                }
            }
            ArrayNode p = body.putArray("params");
            batch.params()
                    .forEach(param -> p.addObject().put("key", param.key()).put("value", param.value()));
            body.set("tags", tagArray(batch.tags()));
            post("runs/log-batch", body);
        }
    }

    /** Every value of one metric of a run, in the server's order. */
    public List<Metric> metricHistory(String runId, String key) {
        List<Metric> out = new ArrayList<>();
        String page = "";
        do {
            String path = "metrics/get-history?run_id=" + encode(runId) + "&metric_key=" + encode(key)
                    + "&max_results=25000" + (page.isEmpty() ? "" : "&page_token=" + encode(page));
            JsonNode response = get(path);
            for (JsonNode m : response.path("metrics")) {
                out.add(new Metric(
                        m.path("key").asText(),
                        m.path("value").asDouble(),
                        m.path("timestamp").asLong(),
                        m.path("step").asLong()));
            }
            page = response.path("next_page_token").asText("");
        } while (!page.isEmpty());
        return out;
    }

    public void logInputs(String runId, List<DatasetInput> datasets) {
        ObjectNode body = JSON.createObjectNode().put("run_id", runId);
        ArrayNode list = body.putArray("datasets");
        for (DatasetInput d : datasets) {
            ObjectNode input = list.addObject();
            input.putArray("tags").addObject().put("key", "mlflow.data.context").put("value", d.context());
            ObjectNode dataset = input.putObject("dataset")
                    .put("name", d.name())
                    .put("digest", d.digest())
                    .put("source_type", d.sourceType())
                    .put("source", d.source());
            if (d.schema() != null) {
                dataset.put("schema", d.schema());
            }
            if (d.profile() != null) {
                dataset.put("profile", d.profile());
            }
        }
        post("runs/log-inputs", body);
    }

    /** The data set inputs of a run as the server returns them: each with its {@code dataset} and {@code tags}. */
    public List<JsonNode> datasets(String runId) {
        List<JsonNode> out = new ArrayList<>();
        get("runs/get?run_id=" + encode(runId))
                .path("run")
                .path("inputs")
                .path("dataset_inputs")
                .forEach(out::add);
        return out;
    }

    /** The ids of the logged models a run lists among its outputs. */
    public List<String> modelOutputs(String runId) {
        List<String> out = new ArrayList<>();
        get("runs/get?run_id=" + encode(runId))
                .path("run")
                .path("outputs")
                .path("model_outputs")
                .forEach(m -> out.add(m.path("model_id").asText()));
        return out;
    }

    /** An experiment's tags. */
    public Map<String, String> getExperimentTags(String experimentId) {
        Map<String, String> out = new LinkedHashMap<>();
        get("experiments/get?experiment_id=" + encode(experimentId))
                .path("experiment")
                .path("tags")
                .forEach(t -> out.put(t.path("key").asText(), t.path("value").asText()));
        return out;
    }

    /** The data sets logged as inputs of a run, as name to digest. */
    public Map<String, String> datasetInputs(String runId) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode input : get("runs/get?run_id=" + encode(runId))
                .path("run")
                .path("inputs")
                .path("dataset_inputs")) {
            out.put(
                    input.path("dataset").path("name").asText(),
                    input.path("dataset").path("digest").asText());
        }
        return out;
    }

    // ---- artifacts

    /** Uploads one file to {@code path} under an artifact root such as a run's {@code artifactUri}. */
    public void uploadArtifact(String artifactUri, String path, Path file) {
        URI target = URI.create(baseUri + ARTIFACTS_API + "/" + artifactPath(artifactUri, path));
        send(
                () -> request(target)
                        .PUT(filePublisher(file))
                        .header("Content-Type", "application/octet-stream")
                        .build(),
                "upload " + path);
    }

    /** Uploads every file of {@code dir} under {@code prefix} (empty for the root), keeping the layout. */
    public void uploadDirectory(String artifactUri, String prefix, Path dir) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        for (Path file : files) {
            String relative = dir.relativize(file).toString().replace('\\', '/');
            uploadArtifact(artifactUri, prefix.isEmpty() ? relative : prefix + "/" + relative, file);
        }
    }

    /** The direct entries of {@code path} (empty for the root) under an artifact root. */
    public List<ArtifactFile> listArtifacts(String artifactUri, String path) {
        String full = artifactPath(artifactUri, path);
        JsonNode response = send(
                () -> request(URI.create(baseUri + ARTIFACTS_API + "?path=" + encode(full)))
                        .GET()
                        .build(),
                "list " + path);
        List<ArtifactFile> out = new ArrayList<>();
        for (JsonNode f : response.path("files")) {
            out.add(new ArtifactFile(
                    f.path("path").asText(),
                    f.path("is_dir").asBoolean(),
                    f.path("file_size").asLong()));
        }
        return out;
    }

    /** The content of one artifact file. */
    public byte[] downloadArtifact(String artifactUri, String path) {
        URI target = URI.create(baseUri + ARTIFACTS_API + "/" + artifactPath(artifactUri, path));
        return sendForBytes(() -> request(target).GET().build(), "download " + path);
    }

    private static String artifactPath(String artifactUri, String path) {
        if (!artifactUri.startsWith(ARTIFACTS_SCHEME)) {
            throw new MlflowException(
                    "artifact location " + artifactUri + " is not served by the tracking server;"
                            + " start it with --serve-artifacts (scripts/mlflow-server.sh does)",
                    0,
                    "INVALID_STATE",
                    null);
        }
        // mlflow-artifacts:/1/abc/artifacts or mlflow-artifacts://host:port/1/abc/artifacts
        String root = URI.create(artifactUri).getPath();
        String joined = (root + "/" + path).replaceAll("/+", "/").replaceAll("^/|/$", "");
        StringBuilder out = new StringBuilder();
        for (String segment : joined.split("/")) {
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(encode(segment).replace("+", "%20"));
        }
        return out.toString();
    }

    // ---- MLflow 3 logged models

    public LoggedModel createLoggedModel(
            String experimentId, String name, String sourceRunId, String modelType, Collection<Tag> tags) {
        ObjectNode body = JSON.createObjectNode()
                .put("experiment_id", experimentId)
                .put("name", name)
                .put("model_type", modelType);
        if (sourceRunId != null) {
            body.put("source_run_id", sourceRunId);
        }
        body.set("tags", tagArray(tags));
        return loggedModel(post("logged-models", body).path("model"));
    }

    public LoggedModel finalizeLoggedModel(String modelId, boolean ready) {
        ObjectNode body = JSON.createObjectNode()
                .put("model_id", modelId)
                .put("status", ready ? "LOGGED_MODEL_READY" : "LOGGED_MODEL_UPLOAD_FAILED");
        return loggedModel(
                call("PATCH", "logged-models/" + encode(modelId), body).path("model"));
    }

    public LoggedModel getLoggedModel(String modelId) {
        return loggedModel(get("logged-models/" + encode(modelId)).path("model"));
    }

    /** Logged models of the experiment whose tag {@code key} equals {@code value}. */
    public List<LoggedModel> findLoggedModelsByTag(String experimentId, String key, String value) {
        ObjectNode body =
                JSON.createObjectNode().put("filter", tagFilter(key, value)).put("max_results", 100);
        body.putArray("experiment_ids").add(experimentId);
        List<LoggedModel> out = new ArrayList<>();
        post("logged-models/search", body).path("models").forEach(m -> out.add(loggedModel(m)));
        return out;
    }

    /** Logs the model's params (for a trained model: the settings it was trained with), shown in the Models tab. */
    public void logLoggedModelParams(String modelId, List<Param> params) {
        if (params.isEmpty()) {
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("model_id", modelId);
        ArrayNode list = body.putArray("params");
        params.forEach(p -> list.addObject().put("key", p.key()).put("value", p.value()));
        post("logged-models/" + encode(modelId) + "/params", body);
    }

    /** Records the model as an output of the run, so the run page lists it. */
    public void logModelOutput(String runId, String modelId, long step) {
        ObjectNode body = JSON.createObjectNode().put("run_id", runId);
        body.putArray("models").addObject().put("model_id", modelId).put("step", step);
        post("runs/outputs", body);
    }

    // ---- model registry

    /** Creates the registered model unless it exists. */
    public void ensureRegisteredModel(String name) {
        try {
            post("registered-models/create", JSON.createObjectNode().put("name", name));
        } catch (MlflowException e) {
            if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) {
                throw e;
            }
        }
    }

    public ModelVersion createModelVersion(String name, LoggedModel model) {
        ObjectNode body = JSON.createObjectNode()
                .put("name", name)
                .put("source", model.modelUri())
                .put("model_id", model.modelId());
        if (model.sourceRunId() != null) {
            body.put("run_id", model.sourceRunId());
        }
        return modelVersion(post("model-versions/create", body).path("model_version"));
    }

    public List<ModelVersion> modelVersions(String name) {
        String filter = "name = '" + quoted(name) + "'";
        List<ModelVersion> out = new ArrayList<>();
        String page = "";
        do {
            JsonNode response = get("model-versions/search?max_results=1000&filter=" + encode(filter)
                    + (page.isEmpty() ? "" : "&page_token=" + encode(page)));
            response.path("model_versions").forEach(v -> out.add(modelVersion(v)));
            page = response.path("next_page_token").asText("");
        } while (!page.isEmpty());
        return out;
    }

    public void setAlias(String name, String alias, String version) {
        ObjectNode body =
                JSON.createObjectNode().put("name", name).put("alias", alias).put("version", version);
        post("registered-models/alias", body);
    }

    public ModelVersion versionByAlias(String name, String alias) {
        return modelVersion(get("registered-models/alias?name=" + encode(name) + "&alias=" + encode(alias))
                .path("model_version"));
    }

    // ---- plumbing

    private static String tagFilter(String key, String value) {
        return "tags.`" + key.replace("`", "") + "` = '" + quoted(value) + "'";
    }

    private static String quoted(String value) {
        if (value.indexOf('\'') >= 0) {
            throw new IllegalArgumentException("MLflow filters cannot match values with a quote: " + value);
        }
        return value;
    }

    private static ArrayNode tagArray(Collection<Tag> tags) {
        ArrayNode array = JSON.createArrayNode();
        tags.forEach(t -> array.addObject().put("key", t.key()).put("value", t.value()));
        return array;
    }

    private static RunInfo runInfo(JsonNode run) {
        JsonNode info = run.path("info");
        Map<String, String> tags = new LinkedHashMap<>();
        run.path("data")
                .path("tags")
                .forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        Map<String, String> params = new LinkedHashMap<>();
        run.path("data")
                .path("params")
                .forEach(p -> params.put(p.path("key").asText(), p.path("value").asText()));
        Map<String, Double> metrics = new LinkedHashMap<>();
        run.path("data")
                .path("metrics")
                .forEach(
                        m -> metrics.put(m.path("key").asText(), m.path("value").asDouble()));
        return new RunInfo(
                info.path("run_id").asText(),
                info.path("experiment_id").asText(),
                info.path("run_name").asText(),
                info.path("status").asText(),
                info.path("start_time").asLong(),
                info.path("end_time").asLong(),
                info.path("artifact_uri").asText(),
                tags,
                params,
                metrics);
    }

    private static LoggedModel loggedModel(JsonNode model) {
        JsonNode info = model.path("info");
        Map<String, String> tags = new LinkedHashMap<>();
        info.path("tags")
                .forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        Map<String, String> params = new LinkedHashMap<>();
        model.path("data")
                .path("params")
                .forEach(p -> params.put(p.path("key").asText(), p.path("value").asText()));
        Map<String, Double> metrics = new LinkedHashMap<>();
        model.path("data")
                .path("metrics")
                .forEach(
                        m -> metrics.put(m.path("key").asText(), m.path("value").asDouble()));
        return new LoggedModel(
                info.path("model_id").asText(),
                info.path("experiment_id").asText(),
                info.path("name").asText(),
                info.path("artifact_uri").asText(),
                info.path("status").asText(),
                info.hasNonNull("source_run_id") ? info.path("source_run_id").asText() : null,
                info.path("model_type").asText(),
                tags,
                params,
                metrics);
    }

    private static ModelVersion modelVersion(JsonNode v) {
        List<String> aliases = new ArrayList<>();
        v.path("aliases").forEach(a -> aliases.add(a.asText()));
        return new ModelVersion(
                v.path("name").asText(),
                v.path("version").asText(),
                v.path("source").asText(),
                v.path("run_id").asText(),
                v.path("model_id").asText(),
                v.path("status").asText(),
                aliases);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonNode get(String path) {
        return send(() -> request(URI.create(baseUri + API + path)).GET().build(), "GET " + endpoint(path));
    }

    private JsonNode post(String path, JsonNode body) {
        return call("POST", path, body);
    }

    private JsonNode call(String method, String path, JsonNode body) {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        return send(
                () -> request(URI.create(baseUri + API + path))
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes))
                        .build(),
                method + " " + endpoint(path));
    }

    private static String endpoint(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(retry.requestTimeout());
        credentials.authorization().ifPresent(value -> builder.header("Authorization", value));
        return builder;
    }

    private static HttpRequest.BodyPublisher filePublisher(Path file) {
        try {
            return HttpRequest.BodyPublishers.ofFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private interface RequestFactory {
        HttpRequest create();
    }

    private JsonNode send(RequestFactory factory, String what) {
        byte[] body = sendForBytes(factory, what);
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new MlflowException(
                    what + ": the server answered with something that is not JSON", 0, "BAD_RESPONSE", e);
        }
    }

    private byte[] sendForBytes(RequestFactory factory, String what) {
        MlflowException last = null;
        for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
            if (attempt > 1) {
                pause(retry.backoff(attempt - 1));
            }
            try {
                HttpResponse<byte[]> response = http.send(factory.create(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() / 100 == 2) {
                    return response.body();
                }
                last = failure(what, response, credentials);
            } catch (IOException e) {
                last = new MlflowException(what + ": " + baseUri + " unreachable (" + e + ")", 0, "", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MlflowException(what + ": interrupted", 0, "", e);
            }
            if (!last.transientFailure()) {
                throw last;
            }
        }
        throw last;
    }

    private static MlflowException failure(String what, HttpResponse<byte[]> response, MlflowCredentials credentials) {
        String code = "";
        String message = new String(response.body(), StandardCharsets.UTF_8);
        try {
            JsonNode error = JSON.readTree(response.body());
            code = error.path("error_code").asText("");
            message = error.path("message").asText(message);
        } catch (IOException e) {
            // Not an MLflow error document (a proxy's page, say): keep the raw text as the message.
        }
        if (message.length() > 500) {
            message = message.substring(0, 500) + "...";
        }
        return new MlflowException(
                what + " failed with HTTP " + response.statusCode() + ": " + message
                        + authenticationHint(response.statusCode(), credentials),
                response.statusCode(),
                code,
                null);
    }

    private static String authenticationHint(int status, MlflowCredentials credentials) {
        if (status == 401) {
            return credentials.present()
                    ? " (the server refused the credentials of " + credentials + "; check them)"
                    : " (the server wants credentials: set " + TrackingEnv.USERNAME + " and " + TrackingEnv.PASSWORD
                            + ", or " + TrackingEnv.TOKEN + ")";
        }
        if (status == 403 && credentials.present()) {
            return " (" + credentials + " lacks the permission; ask the server's admin)";
        }
        return "";
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlflowException("interrupted while backing off", 0, "", e);
        }
    }
}
