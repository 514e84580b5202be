package dev.fermion.tracking.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fermion.tracking.mlflow.DatasetInput;
import dev.fermion.tracking.mlflow.LoggedModel;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.ModelVersion;
import dev.fermion.tracking.mlflow.RunInfo;
import dev.fermion.tracking.mlflow.RunStatus;
import dev.fermion.tracking.mlflow.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Applies {@link TrackingOp}s to an MLflow server, turning run keys into MLflow ids. Each operation is
 * idempotent: runs and logged models are looked up by their {@code fermion.key} tag before being created,
 * MLflow keeps one row for identical metric values and accepts a param logged again with the same value.
 *
 * <p>Over 400 lines because each {@link TrackingOp} kind has its idempotent look-up-then-write here, next to
 * the others, so that the rule "safe to apply twice" is checked in one place.
 */
public final class MlflowWriter {
    private static final String MODEL_FLAVOR = "djl";
    /** Set on a run created for a key that another run already holds; its value is the kept run's id. */
    public static final String DUPLICATE_TAG = "fermion.duplicateOf";
    /** Set on a step's run from an earlier session that a resumed run ran again; its value is the new run's id. */
    public static final String SUPERSEDED_TAG = "fermion.supersededBy";
    /** The tracking session (one runner process) that created a run. */
    public static final String SESSION_TAG = "fermion.session";
    /** A model's signature and input example, in MLflow's forms, when its directory has them. */
    private static final String SIGNATURE = "signature.json";

    private static final String INPUT_EXAMPLE = "input_example.json";
    /** A logged model's content digest (Fermion's artifact digest of its files). */
    public static final String DIGEST_TAG = "fermion.model.digest";

    private static final String PARENT_TAG = "mlflow.parentRunId";
    /** On a pipeline run: the model version it registered, as {@code models:/<name>/<version>}. */
    public static final String REGISTERED_TAG = "fermion.registeredModel";

    private final MlflowClient client;
    private final Map<String, String> experiments = new ConcurrentHashMap<>();
    private final Map<RunRef, RunInfo> runs = new ConcurrentHashMap<>();
    private final Map<String, LoggedModel> models = new ConcurrentHashMap<>();

    public MlflowWriter(MlflowClient client) {
        this.client = client;
    }

    public MlflowClient client() {
        return client;
    }

    /** The MLflow run created for {@code ref} by this writer, if it got that far. */
    public Optional<RunInfo> knownRun(RunRef ref) {
        return Optional.ofNullable(runs.get(ref));
    }

    /** The logged models this writer created or found, by model key (run key, "/", model name). */
    public Map<String, LoggedModel> knownModels() {
        return Map.copyOf(models);
    }

    public String experimentId(String name) {
        return experiments.computeIfAbsent(name, n -> {
            String id = client.experimentId(n);
            client.ensureTrainingExperiment(id);
            return id;
        });
    }

    void startRun(TrackingOp.StartRun op) {
        Optional<RunInfo> existing = lookup(op.run());
        if (existing.isPresent()) {
            String session = existing.get().tags().get(SESSION_TAG);
            if (!op.supersede() || op.session() == null || op.session().equals(session)) {
                return;
            }
        }
        List<Tag> tags = new ArrayList<>(op.tags());
        tags.add(new Tag(RunRef.KEY_TAG, op.run().key()));
        if (op.session() != null) {
            tags.add(new Tag(SESSION_TAG, op.session()));
        }
        if (op.parent() != null) {
            tags.add(new Tag(PARENT_TAG, resolve(op.parent()).runId()));
        }
        RunInfo created = client.createRun(experimentId(op.run().experiment()), op.name(), op.startTime(), tags);
        if (existing.isPresent()) {
            supersede(existing.get(), created, op);
            runs.put(op.run(), created);
            return;
        }
        RunInfo kept = canonical(op.run()).orElse(created);
        if (!kept.runId().equals(created.runId())) {
            // Writers in several pods may create the same run at once; every one of them keeps the same
            // run, and the others' copies are closed and marked so that nothing resolves to them again.
            markDuplicate(created, kept, op.startTime());
        }
        runs.put(op.run(), kept);
    }

    void log(TrackingOp.Log op) {
        client.log(resolve(op.run()).runId(), op.metrics(), op.params(), op.tags());
    }

    void linkRun(TrackingOp.LinkRun op) {
        lookup(op.target())
                .ifPresent(target -> client.log(
                        resolve(op.run()).runId(), List.of(), List.of(), List.of(new Tag(op.tag(), target.runId()))));
    }

    void logDatasets(TrackingOp.LogDatasets op) {
        List<DatasetInput> inputs = new ArrayList<>();
        for (DatasetRef d : op.datasets()) {
            Path dir = Path.of(d.path());
            String digest = d.digest() != null ? shorten(d.digest()) : digest(dir);
            String source = "{\"uri\": \"" + dir.toUri().toString().replace("\"", "%22") + "\"}";
            Path schema = dir.resolve("schema.json");
            inputs.add(new DatasetInput(
                    d.name(), digest, "local", source, Files.isRegularFile(schema) ? read(schema) : null, d.context()));
        }
        client.logInputs(resolve(op.run()).runId(), inputs);
    }

    void logSource(TrackingOp.LogSource op) {
        URI uri = sourceUri(op.source());
        String scheme = uri.getScheme() == null ? "local" : uri.getScheme();
        ObjectMapper json = new ObjectMapper();
        ObjectNode schema = json.createObjectNode();
        ArrayNode columns = schema.putArray("mlflow_colspec");
        op.columns()
                .forEach((name, type) ->
                        columns.addObject().put("type", type).put("name", name).put("required", true));
        String profile = op.rows() < 0 ? null : "{\"num_rows\": " + op.rows() + "}";
        String source = json.createObjectNode().put("uri", uri.toString()).toString();
        client.logInputs(
                resolve(op.run()).runId(),
                List.of(new DatasetInput(
                        op.name(),
                        shorten(op.digest()),
                        "file".equals(scheme) ? "local" : scheme,
                        source,
                        op.columns().isEmpty() ? null : schema.toString(),
                        profile,
                        "source")));
    }

    /** A source's URI: as given when it names a scheme, else the absolute file it names. */
    private static URI sourceUri(String source) {
        try {
            URI uri = new URI(source);
            if (uri.getScheme() != null && uri.getScheme().length() > 1) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // Not a URI: a path, as most sources are.
        }
        return Path.of(source).toAbsolutePath().toUri();
    }

    void uploadArtifacts(TrackingOp.UploadArtifacts op) {
        client.uploadDirectory(resolve(op.run()).artifactUri(), op.artifactPath(), Path.of(op.directory()));
    }

    void logModel(TrackingOp.LogModel op) {
        RunInfo run = resolve(op.run());
        String key = modelKey(op.run(), op.name());
        LoggedModel model = findModel(op.run().experiment(), key).orElse(null);
        if (model != null && "LOGGED_MODEL_READY".equals(model.status())) {
            models.put(key, model);
            return;
        }
        if (model == null) {
            List<Tag> tags = new ArrayList<>(op.tags());
            tags.add(new Tag(RunRef.KEY_TAG, key));
            if (op.digest() != null) {
                tags.add(new Tag(DIGEST_TAG, op.digest()));
            }
            model = client.createLoggedModel(
                    run.experimentId(),
                    op.displayName() != null ? op.displayName() : op.name(),
                    run.runId(),
                    MODEL_FLAVOR,
                    tags);
            client.logLoggedModelParams(model.modelId(), op.params());
        }
        Path dir = Path.of(op.directory());
        client.uploadDirectory(model.artifactUri(), "", dir);
        if (!Files.exists(dir.resolve("MLmodel"))) {
            Path mlmodel = writeMlmodel(model, run.runId(), dir);
            try {
                client.uploadArtifact(model.artifactUri(), "MLmodel", mlmodel);
            } finally {
                deleteQuietly(mlmodel);
            }
        }
        client.logModelOutput(run.runId(), model.modelId(), 0);
        model = client.finalizeLoggedModel(model.modelId(), true);
        models.put(key, model);
    }

    void linkModel(TrackingOp.LinkModel op) {
        RunInfo run = resolve(op.run());
        modelWithDigest(op.run().experiment(), op.digest())
                .ifPresent(model -> client.logModelOutput(run.runId(), model.modelId(), 0));
    }

    void logModelMetrics(TrackingOp.LogModelMetrics op) {
        RunInfo run = resolve(op.run());
        modelWithDigest(op.run().experiment(), op.digest())
                .ifPresent(model -> client.log(
                        run.runId(),
                        op.metrics().stream().map(m -> m.of(model.modelId())).toList(),
                        List.of(),
                        List.of()));
    }

    /** The first ready logged model of the experiment with this content digest (the same model, whichever run logged it). */
    private Optional<LoggedModel> modelWithDigest(String experiment, String digest) {
        if (digest == null) {
            return Optional.empty();
        }
        Optional<LoggedModel> known = models.values().stream()
                .filter(m -> digest.equals(m.tags().get(DIGEST_TAG)) && "LOGGED_MODEL_READY".equals(m.status()))
                .findFirst();
        if (known.isPresent()) {
            return known;
        }
        return client.findLoggedModelsByTag(experimentId(experiment), DIGEST_TAG, digest).stream()
                .filter(m -> "LOGGED_MODEL_READY".equals(m.status()))
                .min(Comparator.comparing(LoggedModel::modelId));
    }

    void registerModel(TrackingOp.RegisterModel op) {
        String key = modelKey(op.run(), op.model());
        LoggedModel model = Optional.ofNullable(models.get(key))
                .or(() -> findModel(op.run().experiment(), key))
                .or(() -> modelWithDigest(op.run().experiment(), op.digest()))
                .orElseThrow(() -> new IllegalStateException("no logged model " + op.model() + " for "
                        + op.run().key() + "; it must be logged before it is registered"));
        client.ensureRegisteredModel(op.registeredName());
        ModelVersion version = client.modelVersions(op.registeredName()).stream()
                .filter(v -> v.source().equals(model.modelUri()))
                .findFirst()
                .orElseGet(() -> client.createModelVersion(op.registeredName(), model));
        if (op.alias() != null) {
            client.setAlias(op.registeredName(), op.alias(), version.version());
        }
        if (op.pipeline() != null) {
            // The version's source run is the step that made the model, and MLflow lists the version with the logged
            // model (its tag mlflow.modelVersions) on every run that has the model as an output; the tag says it on
            // the pipeline run in words too.
            client.log(
                    resolve(op.pipeline()).runId(),
                    List.of(),
                    List.of(),
                    List.of(new Tag(REGISTERED_TAG, "models:/" + op.registeredName() + "/" + version.version())));
        }
    }

    void mergeDuplicates(TrackingOp.MergeDuplicates op) {
        RunInfo kept = resolve(op.run());
        List<RunInfo> others =
                client
                        .findRunsByTag(
                                experimentId(op.run().experiment()),
                                RunRef.KEY_TAG,
                                op.run().key())
                        .stream()
                        .filter(run -> !run.runId().equals(kept.runId()))
                        .toList();
        for (RunInfo other : others) {
            for (RunInfo child : client.findRunsByTag(other.experimentId(), PARENT_TAG, other.runId())) {
                client.log(child.runId(), List.of(), List.of(), List.of(new Tag(PARENT_TAG, kept.runId())));
            }
            markDuplicate(other, kept, other.endTime() > 0 ? other.endTime() : System.currentTimeMillis());
        }
    }

    void shareResultsView(TrackingOp.ShareResultsView op) {
        ObjectNode state = new ObjectMapper().createObjectNode();
        ArrayNode columns = state.putArray("selectedColumns");
        op.metrics().forEach(m -> columns.add("metrics.`" + m + "`"));
        // The columns MLflow's runs table shows by default, after the results.
        List.of("Source", "Models", "Dataset").forEach(a -> columns.add("attributes.`" + a + "`"));
        client.setExperimentTag(
                experimentId(op.run().experiment()), MlflowClient.SHARED_VIEW_TAG_PREFIX + op.key(), state.toString());
    }

    void endRun(TrackingOp.EndRun op) {
        client.endRun(resolve(op.run()).runId(), op.status(), op.endTime());
    }

    /**
     * Keeps an earlier session's run of a step that runs again as history: renamed, tagged with its successor,
     * and ended if it was left running (its runner died), so the key now finds the new run.
     */
    private void supersede(RunInfo earlier, RunInfo successor, TrackingOp.StartRun op) {
        client.log(earlier.runId(), List.of(), List.of(), List.of(new Tag(SUPERSEDED_TAG, successor.runId())));
        client.renameRun(earlier.runId(), op.name() + " (earlier attempt)");
        if ("RUNNING".equals(earlier.status())) {
            client.endRun(earlier.runId(), RunStatus.KILLED, op.startTime());
        }
    }

    private void markDuplicate(RunInfo duplicate, RunInfo kept, long endTime) {
        client.log(duplicate.runId(), List.of(), List.of(), List.of(new Tag(DUPLICATE_TAG, kept.runId())));
        client.endRun(duplicate.runId(), RunStatus.KILLED, endTime);
    }

    static String modelKey(RunRef run, String model) {
        return run.key() + "/" + model;
    }

    private Optional<LoggedModel> findModel(String experiment, String key) {
        LoggedModel known = models.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        return client.findLoggedModelsByTag(experimentId(experiment), RunRef.KEY_TAG, key).stream()
                .findFirst();
    }

    private Optional<RunInfo> lookup(RunRef ref) {
        RunInfo known = runs.get(ref);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<RunInfo> found = canonical(ref);
        found.ifPresent(run -> runs.put(ref, run));
        return found;
    }

    /**
     * Of the runs carrying {@code ref}'s key, the one every writer agrees on: the oldest by start time, then
     * by run id, leaving out copies already marked as duplicates.
     */
    private Optional<RunInfo> canonical(RunRef ref) {
        return client.findRunsByTag(experimentId(ref.experiment()), RunRef.KEY_TAG, ref.key()).stream()
                .filter(run ->
                        !run.tags().containsKey(DUPLICATE_TAG) && !run.tags().containsKey(SUPERSEDED_TAG))
                .min(Comparator.comparingLong(RunInfo::startTime).thenComparing(RunInfo::runId));
    }

    private RunInfo resolve(RunRef ref) {
        return lookup(ref)
                .orElseThrow(() -> new IllegalStateException(
                        "no MLflow run for " + ref.key() + " in experiment " + ref.experiment()));
    }

    private static Path writeMlmodel(LoggedModel model, String runId, Path dir) {
        List<String> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .map(f -> dir.relativize(f).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list model directory " + dir, e);
        }
        StringBuilder yaml = new StringBuilder()
                .append("artifact_path: ")
                .append(model.name())
                .append('\n')
                .append("flavors:\n")
                .append("  ")
                .append(MODEL_FLAVOR)
                .append(":\n")
                .append("    model_dir: .\n")
                .append("    files:\n");
        files.forEach(f -> yaml.append("    - '").append(f.replace("'", "''")).append("'\n"));
        yaml.append("model_id: ")
                .append(model.modelId())
                .append('\n')
                .append("run_id: ")
                .append(runId)
                .append('\n')
                .append("utc_time_created: '")
                .append(Instant.now())
                .append("'\n");
        signature(dir).ifPresent(yaml::append);
        if (Files.isRegularFile(dir.resolve(INPUT_EXAMPLE))) {
            yaml.append("saved_input_example_info:\n  artifact_path: ")
                    .append(INPUT_EXAMPLE)
                    .append("\n  type: dataframe\n  pandas_orient: split\n");
        }
        try {
            Path file = Files.createTempFile("fermion-mlmodel", ".yaml");
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the MLmodel file", e);
        }
    }

    /**
     * The {@code signature} section of an MLmodel file from the model's {@value #SIGNATURE} (MLflow's
     * {@code Signature.to_dict()}: column specs as JSON strings), so MLflow shows the model's inputs and outputs.
     */
    private static Optional<String> signature(Path dir) {
        Path file = dir.resolve(SIGNATURE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode json = new ObjectMapper().readTree(file.toFile());
            StringBuilder yaml = new StringBuilder("signature:\n");
            for (String part : List.of("inputs", "outputs", "params")) {
                JsonNode value = json.path(part);
                yaml.append("  ")
                        .append(part)
                        .append(": ")
                        .append(value.isTextual() ? "'" + value.asText().replace("'", "''") + "'" : "null")
                        .append('\n');
            }
            return Optional.of(yaml.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model signature " + file, e);
        }
    }

    /** A short content digest of a directory: file paths and bytes, in path order. */
    static String digest(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                sha.update(dir.relativize(file).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                try (InputStream in = Files.newInputStream(file)) {
                    for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                        sha.update(buffer, 0, n);
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read data set " + dir, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String shorten(String digest) {
        // MLflow stores at most 36 characters of a data set digest.
        String bare = digest.startsWith("sha256:") ? digest.substring("sha256:".length()) : digest;
        return bare.length() > 36 ? bare.substring(0, 36) : bare;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover temporary file is harmless; the upload outcome is what matters.
        }
    }
}
