package dev.fermion.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.components.TestBundles;
import dev.fermion.components.TestContext;
import dev.fermion.deploy.kubernetes.KServeInferenceService;
import dev.fermion.types.Model;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The components with cluster targets, finding the cluster as in a pod or with a kubeconfig: here through
 * fabric8's configuration properties, pointed at the mock API server.
 */
@EnableKubernetesMockClient(crud = true)
class DeployToClusterTest {
    private static final Map<String, String> CONFIG = Map.of(
            Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false",
            Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY, "false",
            Config.KUBERNETES_TRUST_CERT_SYSTEM_PROPERTY, "true",
            Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY, "models");

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    Path model;

    @BeforeEach
    void pointTheComponentsAtTheMockServer() {
        model = TestBundles.classifier(dir.resolve("model"));
        CONFIG.forEach(System::setProperty);
        System.setProperty(
                Config.KUBERNETES_MASTER_SYSTEM_PROPERTY, client.getMasterUrl().toString());
    }

    @AfterEach
    void forgetTheMockServer() {
        CONFIG.keySet().forEach(System::clearProperty);
        System.clearProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY);
    }

    private TestContext deploy(String runId, DeployTarget target, int canaryPercent) throws Exception {
        return deploy(runId, target, canaryPercent, "s3://models/iris/" + runId);
    }

    private TestContext deploy(String runId, DeployTarget target, int canaryPercent, String modelUri) throws Exception {
        return new TestContext(dir, "deploy")
                .withRunId(runId)
                .with(Deploy.MODEL, new Model(model))
                .with(Deploy.NAME, "iris")
                .with(Deploy.TARGET, target)
                .with(Deploy.MODEL_URI, modelUri)
                .with(Deploy.CANARY_PERCENT, canaryPercent)
                .with(Deploy.READY_TIMEOUT_SECONDS, 0)
                .run(new Deploy());
    }

    @Test
    void deploysToTheConfiguredNamespaceAndRollsBack() throws Exception {
        TestContext first = deploy("run-1", DeployTarget.KUBERNETES, 0);
        assertThat(first.value(Deploy.ENDPOINT)).isEqualTo("http://iris.models.svc.cluster.local/v2/models/iris");
        assertThat(first.value(Deploy.DEPLOYED_VERSION)).isEqualTo("run-1");
        Deployment stable = client.apps()
                .deployments()
                .inNamespace("models")
                .withName("iris")
                .get();
        assertThat(stable.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .as("the runtime image the compiler uses")
                .matches("ghcr\\.io/fermion-ml/fermion-runtime:.+");

        deploy("run-2", DeployTarget.KUBERNETES, 0);
        TestContext rolledBack = new TestContext(dir, "deploy")
                .withRunId("run-3")
                .with(Rollback.NAME, "iris")
                .with(Rollback.TARGET, DeployTarget.KUBERNETES)
                .with(Rollback.READY_TIMEOUT_SECONDS, 0)
                .run(new Rollback());

        assertThat(rolledBack.value(Rollback.DEPLOYED_VERSION)).isEqualTo("run-1");
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("models")
                        .withName("iris")
                        .get()
                        .getMetadata()
                        .getAnnotations())
                .containsEntry("fermion.dev/version", "run-1");
        assertThat(rolledBack.logs()).anySatisfy(l -> assertThat(l).contains("back from version run-2 to run-1"));
    }

    @Test
    void aSecondRunOfTheSameModelIsUpToDateOnEitherClusterTarget() throws Exception {
        String digest = ModelDigest.of(model);
        for (DeployTarget target : List.of(DeployTarget.KUBERNETES, DeployTarget.KSERVE)) {
            TestContext first = deploy("run-1", target, 0, "s3://models/iris/latest");
            assertThat(first.value(Deploy.UP_TO_DATE)).isFalse();

            TestContext second = deploy("run-2", target, 0, "s3://models/iris/latest");

            assertThat(second.value(Deploy.UP_TO_DATE)).as(target.name()).isTrue();
            assertThat(second.value(Deploy.DEPLOYED_VERSION)).isEqualTo("run-1");
            assertThat(second.value(Deploy.ENDPOINT)).isEqualTo(first.value(Deploy.ENDPOINT));
            assertThat(second.logs())
                    .anySatisfy(l -> assertThat(l)
                            .isEqualTo("Up to date: 'iris' already serves model " + digest
                                    + " with these settings as version run-1 on " + target + ": "
                                    + first.value(Deploy.ENDPOINT)));
        }
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("models")
                        .withName("iris")
                        .get()
                        .getMetadata()
                        .getAnnotations())
                .containsEntry("fermion.dev/version", "run-1")
                .containsEntry("fermion.dev/model-digest", digest);
    }

    /** Without a model URI the step carries its bundle to the cluster in a ConfigMap named by the model's content. */
    @Test
    void withoutAModelUriTheModelTravelsInAConfigMap() throws Exception {
        TestContext first = new TestContext(dir, "deploy")
                .withRunId("run-1")
                .with(Deploy.MODEL, new Model(model))
                .with(Deploy.NAME, "iris")
                .with(Deploy.TARGET, DeployTarget.KUBERNETES)
                .with(Deploy.READY_TIMEOUT_SECONDS, 0)
                .run(new Deploy());

        String configMap = "iris-model-" + ModelDigest.of(model).substring("sha256:".length(), "sha256:".length() + 12);
        assertThat(first.value(Deploy.ENDPOINT)).isEqualTo("http://iris.models.svc.cluster.local/v2/models/iris");
        assertThat(client.configMaps()
                        .inNamespace("models")
                        .withName(configMap)
                        .get()
                        .getBinaryData())
                .containsOnlyKeys(dev.fermion.components.model.ModelBundle.files());
        Deployment stable = client.apps()
                .deployments()
                .inNamespace("models")
                .withName("iris")
                .get();
        assertThat(stable.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getVolumes()
                        .get(0)
                        .getConfigMap()
                        .getName())
                .isEqualTo(configMap);
        assertThat(first.logs()).anySatisfy(l -> assertThat(l).startsWith("Created ConfigMap " + configMap));
    }

    /** A missing permission is final (exit 3, no retries) and says what the service account lacks and where to get it. */
    @Test
    void aForbiddenRequestNamesWhatTheServiceAccountLacks() {
        server.expect()
                .get()
                .withPath("/apis/apps/v1/namespaces/models/deployments/iris")
                .andReturn(
                        403,
                        new io.fabric8.kubernetes.api.model.StatusBuilder()
                                .withCode(403)
                                .withReason("Forbidden")
                                .withMessage(
                                        "deployments.apps \"iris\" is forbidden: User \"system:serviceaccount:models:runner\" "
                                                + "cannot get resource \"deployments\" in API group \"apps\" in the namespace \"models\"")
                                .build())
                .always();

        assertThatThrownBy(() -> deploy("run-1", DeployTarget.KUBERNETES, 0))
                .isInstanceOf(dev.fermion.dsl.BadInputException.class)
                .hasMessageContaining("cannot get resource \"deployments\"")
                .hasMessageContaining("KubernetesDeployment.deployerRbac");
    }

    @Test
    void deploysAKServeCanary() throws Exception {
        deploy("run-1", DeployTarget.KSERVE, 0);
        TestContext canary = deploy("run-2", DeployTarget.KSERVE, 10);

        assertThat(canary.value(Deploy.DEPLOYED_VERSION)).isEqualTo("run-2");
        GenericKubernetesResource service = client.genericKubernetesResources(KServeInferenceService.CONTEXT)
                .inNamespace("models")
                .withName("iris")
                .get();
        assertThat(service.getAdditionalProperties().toString())
                .contains("canaryTrafficPercent=10", "s3://models/iris/run-2");
    }
}
