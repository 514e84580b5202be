package dev.fermion.compiler;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fermion.contract.CacheKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Argo Workflows' own template substitution and {@code when} evaluation ({@code tools/argo-expressions}, a Go
 * program built on Argo's v4 module), for tests that must show how a real controller reads what the compiler
 * wrote. The program is built with the Go toolchain on first use and cached by the digest of its sources
 * under {@code ~/.cache/fermion/argo-expressions}.
 *
 * <p>Without Go these tests are skipped, so a JDK alone still runs the suite; CI sets
 * {@value #REQUIRE} to {@code true}, and then a missing toolchain fails them.
 */
final class ArgoEvaluator implements AutoCloseable {
    static final String REQUIRE = "FERMION_REQUIRE_ARGO_EXPRESSIONS";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SOURCES = Path.of("tools", "argo-expressions");

    private final Process process;
    private final Writer requests;
    private final BufferedReader answers;

    /** What Argo made of a text: the substituted text, and for a condition whether it holds. */
    record Answer(String result, Boolean holds, String error) {
        boolean failed() {
            return error != null;
        }
    }

    private ArgoEvaluator(Path program) throws IOException {
        process = new ProcessBuilder(program.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts the evaluator, building it first if needed; skips the calling test when Go is missing and CI does not require it. */
    static ArgoEvaluator start() {
        Path sources = sources();
        Path go = onPath("go");
        boolean required = Boolean.parseBoolean(System.getenv(REQUIRE));
        if (go == null) {
            if (required) {
                fail(REQUIRE + " is set, but no Go toolchain is on the PATH to build " + sources);
            }
            Assumptions.abort("no Go toolchain on the PATH: Argo's expression evaluation is not checked (CI sets "
                    + REQUIRE + ")");
        }
        try {
            return new ArgoEvaluator(build(go, sources));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Answer replace(String text, Map<String, String> params) {
        return ask(text, params, false);
    }

    Answer when(String condition, Map<String, String> params) {
        return ask(condition, params, true, false);
    }

    /** A DAG output's {@code valueFrom.expression}, evaluated over the DAG's scope, as the value Argo stores. */
    Answer output(String expression, Map<String, String> scope) {
        return ask(expression, scope, false, true);
    }

    private Answer ask(String text, Map<String, String> params, boolean when) {
        return ask(text, params, when, false);
    }

    private Answer ask(String text, Map<String, String> params, boolean when, boolean expression) {
        ObjectNode request =
                JSON.createObjectNode().put("text", text).put("when", when).put("expression", expression);
        ObjectNode values = request.putObject("params");
        params.forEach(values::put);
        try {
            requests.write(JSON.writeValueAsString(request));
            requests.write('\n');
            requests.flush();
            String line = answers.readLine();
            if (line == null) {
                throw new IllegalStateException("argo-expressions ended without answering " + text);
            }
            JsonNode answer = JSON.readTree(line);
            return new Answer(
                    answer.path("result").asText(null),
                    answer.has("holds") ? answer.get("holds").asBoolean() : null,
                    answer.path("error").asText(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        requests.close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Path sources() {
        Path module = Path.of("").toAbsolutePath();
        for (Path candidate : List.of(module.resolve("..").resolve(SOURCES), module.resolve(SOURCES))) {
            if (Files.isRegularFile(candidate.resolve("main.go"))) {
                return candidate.normalize();
            }
        }
        return fail("cannot find " + SOURCES + " from " + module);
    }

    /** The program for these sources, built once per version of them. */
    private static Path build(Path go, Path sources) throws IOException {
        StringBuilder digest = new StringBuilder();
        for (String file : List.of("main.go", "go.mod", "go.sum")) {
            digest.append(file)
                    .append('\n')
                    .append(Files.readString(sources.resolve(file)))
                    .append('\n');
        }
        Path dir = Path.of(
                System.getProperty("user.home"),
                ".cache",
                "fermion",
                "argo-expressions",
                CacheKey.sha256(digest.toString()).substring(0, 16));
        Path program = dir.resolve("argo-expressions");
        if (Files.isExecutable(program)) {
            return program;
        }
        Files.createDirectories(dir);
        Path partial = dir.resolve("argo-expressions.partial");
        Process build = new ProcessBuilder(go.toString(), "build", "-trimpath", "-o", partial.toString(), ".")
                .directory(sources.toFile())
                .redirectErrorStream(true)
                .start();
        String log = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (build.waitFor() != 0) {
                fail("building " + sources + " failed:\n" + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while building " + sources);
        }
        Files.move(partial, program, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return program;
    }

    private static Path onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
