package dev.fermion.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.deploy.Deployed;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The InferenceService, and its canaries and rollbacks against the mock API server. */
@EnableKubernetesMockClient(crud = true)
class KServeTest {
    KubernetesMockServer server;
    KubernetesClient client;
    private final List<String> log = new ArrayList<>();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> predictor(GenericKubernetesResource service) {
        return (Map<String, Object>)
                ((Map<String, Object>) service.getAdditionalProperties().get("spec")).get("predictor");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> container(GenericKubernetesResource service) {
        return ((List<Map<String, Object>>) predictor(service).get("containers")).get(0);
    }

    private GenericKubernetesResource stored() {
        return client.genericKubernetesResources(KServeInferenceService.CONTEXT)
                .inNamespace("models")
                .withName("iris")
                .get();
    }

    @Test
    void thePredictorRunsFermionServeOnTheDownloadedModel() {
        GenericKubernetesResource service = KServeInferenceService.manifest(Settings.iris("3"));

        assertThat(service.getApiVersion()).isEqualTo("serving.kserve.io/v1beta1");
        assertThat(service.getKind()).isEqualTo("InferenceService");
        assertThat(service.getMetadata().getAnnotations()).containsEntry("fermion.dev/model-uri", "s3://models/iris/3");
        Map<String, Object> predictor = predictor(service);
        assertThat(predictor)
                .containsEntry("minReplicas", 2)
                .containsEntry("maxReplicas", 6)
                .doesNotContainKey("canaryTrafficPercent");
        assertThat(predictor.get("securityContext"))
                .isEqualTo(Map.of(
                        "runAsNonRoot",
                        true,
                        "runAsUser",
                        10001L,
                        "runAsGroup",
                        10001L,
                        "fsGroup",
                        10001L,
                        "seccompProfile",
                        Map.of("type", "RuntimeDefault")));
        Map<String, Object> container = container(service);
        assertThat(container)
                .containsEntry("name", "kserve-container")
                .containsEntry("image", "ghcr.io/fermion-ml/fermion-runtime:1.0.0")
                .containsEntry("command", List.of("fermion-serve"))
                .containsEntry("args", List.of("--model", "iris=/mnt/models", "--host", "0.0.0.0", "--port", "8080"))
                .containsEntry("env", List.of(Map.of("name", "STORAGE_URI", "value", "s3://models/iris/3")))
                .doesNotContainKey("volumeMounts");
        assertThat(container.get("readinessProbe").toString()).contains("/v2/health/ready");
        assertThat(container.get("livenessProbe").toString()).contains("/v2/health/live");
        assertThat(KServeInferenceService.manifest(Settings.iris("4", 10))
                        .getAdditionalProperties()
                        .toString())
                .contains("canaryTrafficPercent=10");
    }

    @Test
    void aCanaryIsKServesTrafficSplitAndRollbackRestoresThePreviousModel() {
        KServeRollout rollout = new KServeRollout(client, log::add);
        Deployed first = rollout.deploy(Settings.iris("1", 20), Duration.ZERO);
        assertThat(first.version()).isEqualTo("1");
        assertThat(predictor(stored())).as("nothing to split with yet").doesNotContainKey("canaryTrafficPercent");
        assertThat(first.endpoint()).isEqualTo("http://iris-predictor.models.svc.cluster.local/v2/models/iris");

        rollout.deploy(Settings.iris("2", 20), Duration.ZERO);
        assertThat(predictor(stored())).containsEntry("canaryTrafficPercent", 20);
        assertThat(container(stored()).get("env").toString()).contains("s3://models/iris/2");

        Deployed restored = rollout.rollback("models", "iris", Duration.ZERO);
        assertThat(restored.version()).isEqualTo("1");
        assertThat(predictor(stored())).doesNotContainKey("canaryTrafficPercent");
        assertThat(container(stored()).get("env").toString()).contains("s3://models/iris/1");
        assertThat(stored().getMetadata().getAnnotations().get(KubernetesDeployment.PREVIOUS_ANNOTATION))
                .contains("\"version\":\"2\"");
    }

    @Test
    void theSameModelWithTheSameSettingsIsUpToDateAndAppliesNothing() {
        KServeRollout rollout = new KServeRollout(client, log::add);
        assertThat(rollout.deploy(Settings.published("run-1", 'a', 2, 0), Duration.ZERO)
                        .upToDate())
                .isFalse();
        String written = stored().getMetadata().getResourceVersion();
        log.clear();

        Deployed again = rollout.deploy(Settings.published("run-2", 'a', 2, 0), Duration.ZERO);

        assertThat(again)
                .isEqualTo(
                        new Deployed("http://iris-predictor.models.svc.cluster.local/v2/models/iris", "run-1", true));
        assertThat(stored().getMetadata().getResourceVersion())
                .as("nothing written")
                .isEqualTo(written);
        assertThat(log)
                .singleElement()
                .satisfies(l -> assertThat(l)
                        .contains(
                                "InferenceService iris",
                                "already serves model sha256:aaaa",
                                "as version run-1: up to date, nothing applied"));
        assertThat(rollout.deploy(Settings.published("run-3", 'a', 2, 10), Duration.ZERO)
                        .upToDate())
                .as("a canary of what serves every request already")
                .isTrue();

        assertThat(rollout.deploy(Settings.published("run-4", 'b', 2, 0), Duration.ZERO)
                        .upToDate())
                .as("new content behind the same URI")
                .isFalse();
        assertThat(rollout.deploy(Settings.published("run-5", 'b', 3, 0), Duration.ZERO)
                        .upToDate())
                .as("other settings")
                .isFalse();
        assertThat(rollout.deploy(Settings.published("run-6", 'c', 3, 20), Duration.ZERO)
                        .upToDate())
                .isFalse();
        assertThat(rollout.deploy(Settings.published("run-7", 'c', 3, 20), Duration.ZERO))
                .as("the same canary again")
                .extracting(Deployed::upToDate, Deployed::version)
                .containsExactly(true, "run-6");
        Deployed promoted = rollout.deploy(Settings.published("run-8", 'c', 3, 0), Duration.ZERO);
        assertThat(promoted.upToDate()).as("promotion").isFalse();
        assertThat(predictor(stored())).doesNotContainKey("canaryTrafficPercent");
    }

    @Test
    void readinessIsKServesReadyConditionForTheCurrentGeneration() {
        GenericKubernetesResource service = KServeInferenceService.manifest(Settings.iris("1"));
        service.getMetadata().setGeneration(2L);
        assertThat(KServeRollout.isReady(service)).isFalse();
        service.setAdditionalProperty(
                "status",
                Map.of(
                        "observedGeneration",
                        2,
                        "conditions",
                        List.of(Map.of("type", "Ready", "status", "True")),
                        "address",
                        Map.of("url", "http://iris.models.svc.cluster.local")));
        assertThat(KServeRollout.isReady(service)).isTrue();
        assertThat(KServeRollout.endpoint(service, Settings.iris("1")))
                .isEqualTo("http://iris.models.svc.cluster.local/v2/models/iris");
        service.setAdditionalProperty(
                "status",
                Map.of("observedGeneration", 1, "conditions", List.of(Map.of("type", "Ready", "status", "True"))));
        assertThat(KServeRollout.isReady(service))
                .as("status of the generation before")
                .isFalse();
    }

    @Test
    void storageCredentialsComeFromTheServiceAccountNotASecretName() {
        ClusterSettings s = Settings.iris("1");
        ClusterSettings withSecret = new ClusterSettings(
                "iris",
                "1",
                "models",
                s.image(),
                s.modelUri(),
                "s3-credentials",
                s.storageInitializerImage(),
                1,
                2,
                "1",
                "2Gi",
                0,
                70,
                0);
        assertThatThrownBy(() -> KServeInferenceService.manifest(withSecret)).hasMessageContaining("service account");
    }
}
