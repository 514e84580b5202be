package dev.fermion.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.components.TestBundles;
import dev.fermion.components.TestContext;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.deploy.local.LocalDeployment;
import dev.fermion.deploy.local.LocalDeployments;
import dev.fermion.types.Model;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The components as a launcher runs them; the registry is the one under FERMION_HOME that surefire sets. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DeployTest {
    private static final String NAME = "iris-component-test";
    private final LocalDeployments registry = LocalDeployments.fromEnvironment();

    @TempDir
    Path dir;

    @AfterEach
    void stopWhatTheRunsStarted() {
        registry.list().stream()
                .filter(d -> d.name().equals(NAME) && d.stoppedAt() == null)
                .forEach(d -> registry.stop(d.name()));
    }

    @Test
    void deploysLocallyAnswersARealPredictionAndStopsAtTheEndOfItsRun() throws Exception {
        Path bundle = TestBundles.classifier(dir.resolve("model"));
        TestContext ctx = new TestContext(dir, "deploy")
                .withRunId("run-deploy-1")
                .with(Deploy.MODEL, new Model(bundle))
                .with(Deploy.NAME, NAME)
                .run(new Deploy());

        String endpoint = ctx.value(Deploy.ENDPOINT);
        assertThat(endpoint).matches("http://127\\.0\\.0\\.1:\\d+/v2/models/" + NAME);
        assertThat(ctx.value(Deploy.DEPLOYED_VERSION)).isEqualTo("run-deploy-1");
        assertThat(ctx.logs())
                .anySatisfy(l -> assertThat(l).startsWith("  request:  {\"id\":\"fermion-smoke-test\""))
                .anySatisfy(l -> assertThat(l).startsWith("  response: ").contains("\"label\""))
                .anySatisfy(l -> assertThat(l).isEqualTo("The server stops when run run-deploy-1 ends"));
        Http.Response answer = Http.post(URI.create(endpoint + "/infer"), SmokeTest.request(ModelBundle.read(bundle)));
        assertThat(answer.status()).isEqualTo(200);

        LocalDeployment recorded = registry.find(NAME).orElseThrow();
        assertThat(recorded.runId()).isEqualTo("run-deploy-1");
        assertThat(recorded.keepRunning()).isFalse();
        assertThat(registry.stopStartedBy("run-deploy-1")).containsExactly(NAME);
        assertThat(registry.isServing(recorded)).isFalse();
    }

    @Test
    void aSecondRunOfTheSameModelFindsItUpToDate() throws Exception {
        Path bundle = TestBundles.classifier(dir.resolve("model"));
        TestContext first = new TestContext(dir, "deploy")
                .withRunId("run-deploy-3")
                .with(Deploy.MODEL, new Model(bundle))
                .with(Deploy.NAME, NAME)
                .with(Deploy.KEEP_RUNNING, true)
                .run(new Deploy());
        assertThat(first.value(Deploy.UP_TO_DATE)).isFalse();

        TestContext second = new TestContext(dir, "deploy")
                .withRunId("run-deploy-4")
                .with(Deploy.MODEL, new Model(TestBundles.classifier(dir.resolve("retrained"))))
                .with(Deploy.NAME, NAME)
                .with(Deploy.KEEP_RUNNING, true)
                .run(new Deploy());

        assertThat(second.value(Deploy.UP_TO_DATE)).isTrue();
        assertThat(second.value(Deploy.DEPLOYED_VERSION)).isEqualTo("run-deploy-3");
        assertThat(second.value(Deploy.ENDPOINT)).isEqualTo(first.value(Deploy.ENDPOINT));
        assertThat(second.logs())
                .anySatisfy(l -> assertThat(l)
                        .startsWith("Up to date: '" + NAME + "' already serves model sha256:")
                        .endsWith("as version run-deploy-3 on LOCAL: " + first.value(Deploy.ENDPOINT)))
                .noneSatisfy(l -> assertThat(l).startsWith("Smoke test"));
        assertThat(registry.find(NAME).orElseThrow().runId()).isEqualTo("run-deploy-3");
    }

    @Test
    void aLocalCanaryAndAClusterTargetWithoutAModelUriAreRefusedBeforeAnythingStarts() {
        Path bundle = TestBundles.classifier(dir.resolve("model"));
        assertThatThrownBy(() -> new TestContext(dir, "deploy")
                        .withRunId("run-deploy-2")
                        .with(Deploy.MODEL, new Model(bundle))
                        .with(Deploy.NAME, NAME)
                        .with(Deploy.CANARY_PERCENT, 10)
                        .run(new Deploy()))
                .hasMessageContaining("canary-percent needs a traffic split");
        assertThatThrownBy(() -> new TestContext(dir, "deploy")
                        .withRunId("run-deploy-2")
                        .with(Deploy.MODEL, new Model(bundle))
                        .with(Deploy.NAME, NAME)
                        .with(Deploy.TARGET, DeployTarget.KSERVE)
                        .with(Deploy.NAMESPACE, "models")
                        .run(new Deploy()))
                .hasMessageContaining("Target KSERVE needs 'model-uri'");
        assertThat(registry.find(NAME).filter(d -> d.stoppedAt() == null)).isEmpty();
    }

    /** Argo sets ARGO_NODE_ID in every workflow pod's main container, where a LOCAL server would die with the step. */
    @Test
    void localIsRefusedInAWorkflowPod() {
        assertThatThrownBy(() -> Deploy.refuseInWorkflowPod(java.util.Map.of("ARGO_NODE_ID", "iris-x-123")))
                .isInstanceOf(dev.fermion.dsl.BadInputException.class)
                .hasMessageContaining("runs in a pod of an Argo workflow")
                .hasMessageContaining("target KUBERNETES");
        Deploy.refuseInWorkflowPod(java.util.Map.of("HOME", "/home/fermion"));
    }

    /** A workflow compiled with --image-registry/--image-tag deploys its model server from that image, not the default. */
    @Test
    void serverImageIsTheCompiledWorkflowsRuntimeImage() {
        var env = java.util.Map.of(
                "FERMION_RUNTIME_IMAGE",
                "localhost/e2e/fermion-runtime:7",
                "FERMION_RUNTIME_GPU_IMAGE",
                "localhost/e2e/fermion-runtime-gpu:7");
        assertThat(Deploy.runtimeImage(env, false)).isEqualTo("localhost/e2e/fermion-runtime:7");
        assertThat(Deploy.runtimeImage(env, true)).isEqualTo("localhost/e2e/fermion-runtime-gpu:7");
        assertThat(Deploy.runtimeImage(java.util.Map.of(), false))
                .isEqualTo(dev.fermion.compiler.CompilerOptions.defaults().image(false));
    }
}
