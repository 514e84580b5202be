package dev.fermion.components.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.table.Printable;
import dev.fermion.contract.Home;
import dev.fermion.dsl.BadInputException;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;
import dev.fermion.types.Model;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Publishes a model bundle to a model directory, where a model server or a later pipeline finds it: the
 * bundle's files plus {@code manifest.json} (name, version, task, source run, SHA-256 of every file). The
 * manifest holds no publishing time (the files' own times say it), so publishing the same bundle from the
 * same run gives the same bytes.
 * Defaults to {@code <Fermion home>/models/<name>/<version>} (see {@link Home}). A published version is
 * never silently replaced.
 */
public final class PublishModel extends Component {
    public static final Input<Model> MODEL = input("model", Model.class);
    public static final Input<String> NAME = input("name", String.class);
    public static final Input<String> VERSION =
            input("version", String.class).optional().describedAs("defaults to the run id");
    public static final Input<String> TARGET = input("target", String.class)
            .optional()
            .describedAs("directory to publish to; defaults to <Fermion home>/models/<name>/<version>");
    public static final Input<Boolean> OVERWRITE = input("overwrite", Boolean.class)
            .defaultValue(false)
            .describedAs("replace a version that is already published");

    public static final Output<String> LOCATION = output("location", String.class);

    public static final String MANIFEST = "manifest.json";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Publishing is an effect outside the pipeline: a cache hit would leave nothing published. */
    @Override
    public boolean cacheableByDefault() {
        return false;
    }

    @Override
    protected void run(StepContext ctx) throws Exception {
        String name = safe(ctx.get(NAME), NAME);
        String version = safe(ctx.find(VERSION).orElse(ctx.runId()), VERSION);
        Path source = ctx.get(MODEL).path();
        ModelBundle bundle = ModelBundle.read(source);
        Path target = ctx.find(TARGET)
                .map(Path::of)
                .orElseGet(() -> fermionHome().resolve("models").resolve(name).resolve(version))
                .toAbsolutePath()
                .normalize();
        if (Files.exists(target) && !ctx.get(OVERWRITE)) {
            // A published version is never replaced silently, and it stays published however often this runs.
            throw new BadInputException("Model " + name + " version " + version + " is already published at " + target
                    + "; publish another 'version' or set 'overwrite' to true");
        }
        for (String file : ModelBundle.files()) {
            if (!Files.isRegularFile(source.resolve(file))) {
                throw new BadInputException("Model bundle " + source + " lacks " + file
                        + "; it is incomplete, so retrain it rather than publish it");
            }
        }

        Files.createDirectories(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-");
        Map<String, String> digests = new LinkedHashMap<>();
        for (String file : ModelBundle.files()) {
            Files.copy(source.resolve(file), staging.resolve(file));
            digests.put(file, sha256(staging.resolve(file)));
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("name", name);
        manifest.put("version", version);
        manifest.put("format", bundle.manifest().format());
        manifest.put("task", bundle.task());
        manifest.put("pipeline", ctx.pipelineName());
        manifest.put("run", ctx.runId());
        manifest.put("step", ctx.stepName());
        manifest.put("training", bundle.manifest().training());
        manifest.put("sha256", digests);
        JSON.writeValue(staging.resolve(MANIFEST).toFile(), manifest);

        // The copy is staged beside the target and moved in one step, so readers never see half a bundle.
        if (Files.exists(target)) {
            delete(target);
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging, target);
        }
        ctx.put(LOCATION, target.toString());
        ctx.log("Published model %s version %s to %s", name, version, target);
    }

    static Path fermionHome() {
        return Home.directory();
    }

    private static String safe(String value, Input<String> input) {
        if (!SAFE.matcher(value).matches()) {
            throw new BadInputException(
                    "Input '" + input.name() + "' is '" + Printable.of(value) + "'; use letters, digits, "
                            + "'.', '_' and '-' only, starting with a letter or digit, since it names a directory");
        }
        return value;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This Java runtime lacks SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
