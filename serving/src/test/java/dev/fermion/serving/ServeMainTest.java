package dev.fermion.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.components.TestBundles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fermion-serve} as a process: what it prints, its exit status, and its stop on SIGTERM. */
class ServeMainTest {
    private static final String LISTENING = "fermion-serve listening on ";

    @Test
    void servesOnAFreePortAndPrintsItsUrl(@TempDir Path dir) throws Exception {
        Path bundle = TestBundles.classifier(dir.resolve("iris"));
        Process process = launch("--model", "iris=" + bundle, "--port", "0", "--workers", "2")
                .redirectError(dir.resolve("stderr.log").toFile())
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertThat(first).as("first line of stdout").startsWith(LISTENING);
            assertThat(out.readLine()).isEqualTo("  model 'iris' from " + bundle + " (2 workers, 32 may wait)");
            URI uri = URI.create(first.substring(LISTENING.length()));
            assertThat(uri.getHost()).isEqualTo("127.0.0.1");
            assertThat(uri.getPort()).isPositive();
            Http http = new Http(uri);
            assertThat(http.get("/v2/health/ready").status()).isEqualTo(200);
            assertThat(http.post("/v2/models/iris/infer", IrisRequests.tensor(0, 3))
                            .status())
                    .isEqualTo(200);
        } finally {
            process.destroy();
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }

    @Test
    void exitsWithUsageOnABadCommandLine() throws Exception {
        Process process = launch("--port", "80").start();
        String stderr = stderr(process);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(stderr).startsWith("fermion-serve: No model to serve").contains("Usage: fermion-serve");
    }

    @Test
    void exitsWhenAModelCannotBeFound(@TempDir Path dir) throws Exception {
        Process process = launch("--model", "iris=" + dir.resolve("absent"), "--port", "0")
                .start();
        String stderr = stderr(process);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(stderr).contains("fermion-serve: Model location '" + dir.resolve("absent") + "' is not a directory");
    }

    private static ProcessBuilder launch(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                ServeMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** All of stderr, read to its end, which comes when the process exits. */
    private static String stderr(Process process) throws IOException {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
