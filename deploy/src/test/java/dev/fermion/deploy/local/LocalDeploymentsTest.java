package dev.fermion.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fermion.components.TestBundles;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.deploy.Http;
import dev.fermion.deploy.SmokeTest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real {@code fermion-serve} processes started, replaced, rolled back and stopped through the registry. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalDeploymentsTest {
    @TempDir
    Path dir;

    private LocalDeployments registry;
    private final List<String> log = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        if (registry != null) {
            registry.list().stream().filter(d -> d.stoppedAt() == null).forEach(d -> registry.stop(d.name()));
        }
    }

    @Test
    void deploysASmokeTestedServerAndStopsItWhenItsRunEnds() throws IOException {
        registry = new LocalDeployments(dir.resolve("home"));
        Path bundle = TestBundles.classifier(dir.resolve("model"));

        LocalDeployment deployment =
                registry.deploy("iris", "v1", bundle, "run-1", false, log::add).deployment();

        assertThat(deployment.url()).startsWith("http://127.0.0.1:");
        assertThat(deployment.modelUrl()).hasToString(deployment.url() + "/v2/models/iris");
        assertThat(Path.of(deployment.modelPath()))
                .as("the registry's own copy of the bundle")
                .startsWith(registry.root().resolve("iris"))
                .isDirectory();
        assertThat(registry.root().resolve("iris.json")).isRegularFile();
        assertThat(registry.find("iris")).contains(deployment);
        assertThat(registry.isServing(deployment)).isTrue();
        assertThat(log)
                .anySatisfy(l -> assertThat(l).startsWith("Smoke test POST " + deployment.modelUrl() + "/infer"))
                .anySatisfy(l -> assertThat(l).startsWith("  request:  ").contains("\"shape\":[1,4]"))
                .anySatisfy(l -> assertThat(l).startsWith("  response: ").contains("\"probabilities\""));

        JsonNode request = SmokeTest.request(ModelBundle.read(bundle));
        Http.Response answer = Http.post(URI.create(deployment.modelUrl() + "/infer"), request);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("outputs").get(0).path("data").get(0).asText())
                .isIn("setosa", "versicolor", "virginica");

        assertThat(registry.stopStartedBy("another-run")).isEmpty();
        assertThat(registry.isServing(deployment)).isTrue();
        assertThat(registry.stopStartedBy("run-1")).containsExactly("iris");
        assertThat(ProcessHandle.of(deployment.pid()).filter(ProcessHandle::isAlive))
                .isEmpty();
        assertThat(registry.isServing(deployment)).isFalse();
        assertThat(registry.find("iris").orElseThrow().stoppedAt())
                .as("the record stays, for rollback")
                .isNotNull();
        assertThat(registry.stopStartedBy("run-1"))
                .as("a stopped server is not stopped twice")
                .isEmpty();
    }

    @Test
    void keptServersSurviveTheirRunsEnd() {
        registry = new LocalDeployments(dir.resolve("home"));
        LocalDeployment kept = registry.deploy(
                        "iris", "v1", TestBundles.classifier(dir.resolve("model")), "run-1", true, log::add)
                .deployment();

        assertThat(registry.stopStartedBy("run-1")).isEmpty();
        assertThat(registry.isServing(kept)).isTrue();
        assertThat(registry.stop("iris")).isTrue();
        assertThat(registry.isServing(kept)).isFalse();
    }

    @Test
    void replacingAServerKeepsTheNameServingAndRollbackRestoresTheOldVersion() throws Exception {
        registry = new LocalDeployments(dir.resolve("home"));
        Path v1 = TestBundles.classifier(dir.resolve("v1"), 7);
        Path v2 = TestBundles.classifier(dir.resolve("v2"), 8);
        // The first iris row: the smoke test's row of means standardises to zeros, which untrained weights
        // (zero biases) answer alike whatever the seed.
        JsonNode request = Http.JSON.readTree("{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", "
                + "\"shape\": [1, 4], \"data\": [5.1, 3.5, 1.4, 0.2]}]}");
        LocalDeployment first =
                registry.deploy("iris", "v1", v1, "run-1", true, log::add).deployment();
        JsonNode v1Answer = Http.probabilities(first.modelUrl(), request);

        // Clients that follow the registry: every request must be answered while v2 replaces v1.
        AtomicBoolean replacing = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        Thread client = new Thread(() -> {
            while (replacing.get()) {
                LocalDeployment current = registry.find("iris").orElseThrow();
                try {
                    Http.probabilities(current.modelUrl(), request);
                    answered.incrementAndGet();
                } catch (RuntimeException e) {
                    // A request that raced the switch went to the URL the registry just left: not an outage.
                    if (registry.find("iris").orElseThrow().url().equals(current.url())) {
                        failures.add(current.url() + ": " + e);
                    }
                }
            }
        });
        client.start();
        LocalDeployment second;
        try {
            second = registry.deploy("iris", "v2", v2, "run-2", true, log::add).deployment();
        } finally {
            replacing.set(false);
            client.join();
        }
        assertThat(failures).isEmpty();
        assertThat(answered).hasPositiveValue();
        assertThat(second.url()).isNotEqualTo(first.url());
        assertThat(second.previous()).isEqualTo(first.asVersion());
        assertThat(ProcessHandle.of(first.pid()).filter(ProcessHandle::isAlive))
                .as("the replaced server")
                .isEmpty();
        JsonNode v2Answer = Http.probabilities(second.modelUrl(), request);
        assertThat(v2Answer).as("other weights answer differently").isNotEqualTo(v1Answer);

        Path broken = TestBundles.classifier(dir.resolve("broken"), 9);
        Files.writeString(broken.resolve("mlp-0000.params"), "not weights");
        // The server starts on these weights; only a real prediction shows they are unusable.
        assertThatThrownBy(() -> registry.deploy("iris", "v3", broken, "run-3", true, log::add))
                .hasMessageContaining("The smoke test of")
                .hasMessageContaining("got HTTP 500");
        assertThat(registry.find("iris"))
                .as("a failed deployment changes nothing")
                .contains(second);
        assertThat(registry.isServing(second)).isTrue();

        LocalDeployment restored = registry.rollback("iris", "run-4", true, log::add);
        assertThat(restored.version()).isEqualTo("v1");
        assertThat(restored.previous().version()).isEqualTo("v2");
        assertThat(Http.probabilities(restored.modelUrl(), request)).isEqualTo(v1Answer);
        assertThat(registry.isServing(second)).isFalse();
        assertThat(registry.rollback("iris", "run-5", true, log::add).version())
                .as("rolling back a rollback")
                .isEqualTo("v2");
    }

    @Test
    void theModelARunningServerServesIsUpToDateAndStartsNothing() throws IOException {
        registry = new LocalDeployments(dir.resolve("home"));
        LocalDeployment first = registry.deploy(
                        "iris", "run-1", TestBundles.classifier(dir.resolve("model")), "run-1", false, log::add)
                .deployment();
        List<Path> slots;
        try (var listed = Files.list(registry.root().resolve("iris"))) {
            slots = listed.toList();
        }
        log.clear();

        // The next run trains the same model again (same data, same seed), into a directory of its own.
        Path same = TestBundles.classifier(dir.resolve("retrained"));
        LocalDeployments.Rollout again = registry.deploy("iris", "run-2", same, "run-2", false, log::add);

        assertThat(again.upToDate()).isTrue();
        assertThat(again.deployment().pid()).as("the same server").isEqualTo(first.pid());
        assertThat(again.deployment().url()).isEqualTo(first.url());
        assertThat(again.deployment().version()).as("the version that serves").isEqualTo("run-1");
        assertThat(log)
                .singleElement()
                .satisfies(l -> assertThat(l)
                        .contains(
                                "'iris' already serves this model (sha256:",
                                "as version run-1 at " + first.url() + ": up to date, no new server"));
        try (var listed = Files.list(registry.root().resolve("iris"))) {
            assertThat(listed.toList()).as("no bundle copied").containsExactlyInAnyOrderElementsOf(slots);
        }
        // It now lives as long as the later run that deployed it.
        assertThat(registry.stopStartedBy("run-1")).isEmpty();
        assertThat(registry.isServing(again.deployment())).isTrue();

        assertThat(registry.deploy("iris", "run-3", same, "run-3", true, log::add)
                        .deployment()
                        .keepRunning())
                .as("asked to keep running")
                .isTrue();
        assertThat(registry.deploy("iris", "run-4", same, "run-4", false, log::add)
                        .deployment()
                        .keepRunning())
                .as("a kept server stays kept")
                .isTrue();
        assertThat(registry.stopStartedBy("run-4")).isEmpty();
        assertThat(registry.stop("iris")).isTrue();

        LocalDeployments.Rollout restarted = registry.deploy("iris", "run-5", same, "run-5", false, log::add);
        assertThat(restarted.upToDate()).as("a stopped server serves nothing").isFalse();
        assertThat(restarted.deployment().pid()).isNotEqualTo(first.pid());
        assertThat(registry.isServing(restarted.deployment())).isTrue();

        LocalDeployments.Rollout other = registry.deploy(
                "iris", "run-6", TestBundles.classifier(dir.resolve("other"), 8), "run-6", false, log::add);
        assertThat(other.upToDate()).as("other weights").isFalse();
        assertThat(other.deployment().version()).isEqualTo("run-6");
    }

    @Test
    void rollbackNeedsAPreviousVersionAndNamesAreChecked() {
        registry = new LocalDeployments(dir.resolve("home"));
        assertThatThrownBy(() -> registry.rollback("iris", "run-1", true, log::add))
                .hasMessageContaining("No local deployment is named 'iris'");
        assertThatThrownBy(() -> registry.deploy("Iris Model", "v1", dir, "run-1", true, log::add))
                .hasMessageContaining("Deployment name 'Iris Model' is not usable");
        assertThatThrownBy(() -> registry.deploy("iris", "../v1", dir, "run-1", true, log::add))
                .hasMessageContaining("Model version '../v1' is not usable");
        assertThatThrownBy(() -> registry.deploy("iris", "v1", dir, "run-1", true, log::add))
                .hasMessageContaining("is not a Fermion model bundle");
    }
}
