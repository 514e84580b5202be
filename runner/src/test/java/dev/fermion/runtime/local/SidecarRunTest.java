package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.ContainerCommand;
import dev.fermion.dsl.ContainerComponent;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.Placeholders;
import dev.fermion.dsl.StepContext;
import dev.fermion.plan.Sidecar;
import dev.fermion.runtime.container.ContainerRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sidecars run locally in the container engine, next to the step, reachable on localhost as in a pod. The
 * sidecar is Python's HTTP server in {@value #IMAGE_ENV} (default {@value #DEFAULT_IMAGE}), which must be in
 * the engine's store: nothing is pulled. Without Podman or Docker, or without the image, the tests that run
 * one are skipped unless {@value #REQUIRE} is true.
 */
class SidecarRunTest {
    static final String IMAGE_ENV = "FERMION_TEST_PYTHON_IMAGE";
    static final String DEFAULT_IMAGE = "localhost/python:3";
    static final String REQUIRE = "FERMION_REQUIRE_CONTAINER_ENGINE";
    // A port free when the class loads, not a fixed one: another build on this machine may hold any fixed port.
    private static final int PORT = freePort();
    private static String image;

    @TempDir
    Path home;

    /** Fetches a URL and outputs the body's first line. */
    public static final class Fetch extends Component {
        public static final Input<String> URL = input("url", String.class);
        public static final Output<String> FIRST_LINE = output("first-line", String.class);

        @Override
        protected void run(StepContext ctx) throws Exception {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(ctx.get(URL))).build(),
                            HttpResponse.BodyHandlers.ofString());
            ctx.put(
                    FIRST_LINE,
                    response.statusCode() + " "
                            + response.body().lines().findFirst().orElse(""));
        }
    }

    /** The same from a container, which shares the sidecar's network namespace as in a pod. */
    public static final class FetchInContainer extends ContainerComponent {
        public static final Input<String> URL = input("url", String.class);
        public static final Output<String> FIRST_LINE = output("first-line", String.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.image(image())
                    .command(
                            "python3",
                            "-c",
                            "import sys, urllib.request\n"
                                    + "r = urllib.request.urlopen(sys.argv[1])\n"
                                    + "open(sys.argv[2], 'w').write(str(r.status) + ' ' + r.read().decode().splitlines()[0])")
                    .arg(p.value(URL))
                    .arg(p.outputPath(FIRST_LINE));
        }
    }

    static String image() {
        String configured = System.getenv(IMAGE_ENV);
        return configured == null || configured.isBlank() ? DEFAULT_IMAGE : configured;
    }

    @BeforeAll
    static void findEngineAndImage() throws Exception {
        image = image();
        boolean ready = false;
        for (String cli : List.of("podman", "docker")) {
            try {
                Process probe = new ProcessBuilder(cli, "image", "inspect", image)
                        .redirectErrorStream(true)
                        .start();
                try (InputStream ignored = probe.getInputStream()) {
                    ignored.transferTo(java.io.OutputStream.nullOutputStream());
                }
                if (probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    ready = true;
                    break;
                }
            } catch (IOException e) {
                // Not installed; try the other.
            }
        }
        if (!ready && Boolean.parseBoolean(System.getenv(REQUIRE))) {
            throw new IllegalStateException(REQUIRE + " is set, but no engine has image " + image);
        }
        assumeTrue(ready, "no Podman or Docker with image " + image + " (set " + IMAGE_ENV + ")");
    }

    private static Sidecar web() {
        return Sidecar.of("web", image)
                .command("python3", "-m", "http.server", Integer.toString(PORT), "--directory", "/")
                .port(PORT);
    }

    @Test
    void aStepReachesItsSidecarOnLocalhostAndTheSidecarIsGoneAfterwards() throws Exception {
        Pipeline pipeline = Pipeline.named("sidecars").define(p -> {
            var fetch = p.step("fetch", new Fetch())
                    .with(Fetch.URL, "http://127.0.0.1:" + PORT + "/")
                    .sidecar(web())
                    .noCache();
            p.step("fetch-in-container", new FetchInContainer())
                    .with(FetchInContainer.URL, "http://127.0.0.1:" + PORT + "/")
                    .sidecar(web())
                    .noCache()
                    .after(fetch);
        });

        RunResult result = new LocalRunner(RunOptions.defaults()
                        .withHome(new FermionHome(home))
                        .withContainerRuntime(ContainerRuntime.AUTO))
                .run(pipeline.plan(), Map.of());

        assertThat(result.succeeded()).as(RunStore.toJson(result.record())).isTrue();
        assertThat(result.step("fetch").outputs().get("first-line")).startsWith("200 ");
        assertThat(result.step("fetch-in-container").outputs().get("first-line"))
                .startsWith("200 ");
        Path attempt = Path.of(result.step("fetch").attempts().get(0).logFile()).getParent();
        assertThat(Files.readString(attempt.resolve("sidecar-web.log"), StandardCharsets.UTF_8))
                .contains("GET / HTTP");
        // Nothing listens once the step is done: the sidecar was removed.
        assertThatThrownBy(() -> new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), PORT).close())
                .isInstanceOf(IOException.class);
    }

    @Test
    void hostModeCannotRunSidecarsAndSaysSoBeforeTheRun() {
        Pipeline pipeline = Pipeline.named("sidecars")
                .define(p -> p.step("fetch", new Fetch())
                        .with(Fetch.URL, "http://127.0.0.1:" + PORT + "/")
                        .sidecar(web()));

        assertThatThrownBy(() -> new LocalRunner(RunOptions.defaults()
                                .withHome(new FermionHome(home))
                                .withContainerRuntime(ContainerRuntime.HOST))
                        .run(pipeline.plan(), Map.of()))
                .isInstanceOf(RunSetupException.class)
                .hasMessageContaining("step 'fetch' has sidecar 'web'", "--container-runtime host");
    }

    private static int freePort() {
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for the sidecar", e);
        }
    }
}
