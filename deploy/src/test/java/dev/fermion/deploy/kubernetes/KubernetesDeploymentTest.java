package dev.fermion.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.deploy.DeployTarget;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The objects of a model server on Kubernetes, field by field. */
class KubernetesDeploymentTest {
    private final List<HasMetadata> objects = KubernetesDeployment.manifests(Settings.iris("3"));

    @Test
    void aFullRolloutIsAServiceADeploymentAnAutoscalerAndADisruptionBudget() {
        assertThat(objects)
                .extracting(HasMetadata::getKind)
                .containsExactly("Service", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget");
        assertThat(objects).allSatisfy(o -> {
            assertThat(o.getMetadata().getName()).isEqualTo("iris");
            assertThat(o.getMetadata().getNamespace()).isEqualTo("models");
            assertThat(o.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/name", "iris")
                    .containsEntry("app.kubernetes.io/managed-by", "fermion");
        });
    }

    @Test
    void theDeploymentRunsFermionServeAsNonRootWithProbesAndResources() {
        Deployment deployment = (Deployment) objects.get(1);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment
                        .getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getIntVal())
                .isZero();
        assertThat(deployment
                        .getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxSurge()
                        .getIntVal())
                .isEqualTo(1);
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("app.kubernetes.io/name", "iris", "fermion.dev/track", "stable"));
        assertThat(deployment.getMetadata().getAnnotations())
                .containsEntry("fermion.dev/version", "3")
                .containsEntry("fermion.dev/model-uri", "s3://models/iris/3")
                .containsKey("fermion.dev/settings");

        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("fermion.dev/version", "3");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        Container server = pod.getContainers().get(0);
        assertThat(server.getImage()).isEqualTo("ghcr.io/fermion-ml/fermion-runtime:1.0.0");
        assertThat(server.getCommand()).containsExactly("fermion-serve");
        assertThat(server.getArgs())
                .containsExactly("--model", "iris=/mnt/models", "--host", "0.0.0.0", "--port", "8080");
        assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/ready");
        assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/live");
        assertThat(server.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(server.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(server.getResources().getRequests())
                .containsEntry("cpu", new Quantity("500m"))
                .containsEntry("memory", new Quantity("1Gi"))
                .doesNotContainKey("nvidia.com/gpu");
        assertThat(server.getVolumeMounts().get(0).getMountPath()).isEqualTo("/mnt/models");

        Container download = pod.getInitContainers().get(0);
        assertThat(download.getImage()).isEqualTo(ClusterSettings.DEFAULT_STORAGE_INITIALIZER);
        assertThat(download.getArgs()).containsExactly("s3://models/iris/3", "/mnt/models");
        assertThat(pod.getVolumes().get(0).getEmptyDir()).isNotNull();
    }

    @Test
    void gpusAreRequestedAndTolerated() {
        ClusterSettings base = Settings.iris("3");
        ClusterSettings gpu = new ClusterSettings(
                "iris",
                "3",
                "models",
                "ghcr.io/fermion-ml/fermion-runtime-gpu:1.0.0",
                base.modelUri(),
                null,
                base.storageInitializerImage(),
                1,
                2,
                "2",
                "8Gi",
                1,
                70,
                0);
        PodSpec pod = ((Deployment) KubernetesDeployment.manifests(gpu).get(1))
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(pod.getContainers().get(0).getResources().getLimits())
                .containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(pod.getContainers().get(0).getResources().getRequests())
                .containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(pod.getTolerations())
                .singleElement()
                .satisfies(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
    }

    @Test
    void aModelOnAVolumeClaimIsMountedReadOnlyWithoutDownload() {
        ClusterSettings base = Settings.iris("3");
        ClusterSettings pvc = new ClusterSettings(
                "iris",
                "3",
                "models",
                base.image(),
                "pvc://models/iris/3",
                null,
                base.storageInitializerImage(),
                1,
                2,
                "1",
                "2Gi",
                0,
                70,
                0);
        PodSpec pod = ((Deployment) KubernetesDeployment.manifests(pvc).get(1))
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(pod.getInitContainers()).isEmpty();
        assertThat(pod.getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
                .isEqualTo("models");
        assertThat(pod.getVolumes().get(0).getPersistentVolumeClaim().getReadOnly())
                .isTrue();
        assertThat(pod.getContainers().get(0).getVolumeMounts().get(0).getSubPath())
                .isEqualTo("iris/3");
    }

    @Test
    void aSmallModelTravelsInAnImmutableConfigMapMountedReadOnly(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("mlp-0000.params"), new byte[] {0, 1, 2, (byte) 255});
        Files.writeString(dir.resolve("labels.json"), "[\"a\",\"b\"]");
        ClusterSettings base = Settings.iris("3");
        String name = ModelConfigMaps.name("iris", "sha256:" + "ab".repeat(32));
        assertThat(name).isEqualTo("iris-model-abababababab");
        ClusterSettings inConfigMap = new ClusterSettings(
                "iris",
                "3",
                "models",
                base.image(),
                "configmap://" + name,
                "sha256:" + "ab".repeat(32),
                null,
                base.storageInitializerImage(),
                1,
                2,
                "1",
                "2Gi",
                0,
                70,
                0);

        ConfigMap model = ModelConfigMaps.of(inConfigMap, dir);

        assertThat(model.getMetadata().getName()).isEqualTo(name);
        assertThat(model.getImmutable()).isTrue();
        assertThat(model.getMetadata().getLabels()).containsEntry(ModelConfigMaps.MODEL_OF_LABEL, "iris");
        assertThat(model.getBinaryData()).containsOnlyKeys("mlp-0000.params", "labels.json");
        assertThat(Base64.getDecoder().decode(model.getBinaryData().get("mlp-0000.params")))
                .containsExactly(0, 1, 2, (byte) 255);
        PodSpec pod = ((Deployment) KubernetesDeployment.manifests(inConfigMap).get(1))
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(pod.getInitContainers()).as("nothing to download").isEmpty();
        assertThat(pod.getVolumes().get(0).getConfigMap().getName()).isEqualTo(name);
        assertThat(pod.getContainers().get(0).getVolumeMounts().get(0).getReadOnly())
                .isTrue();
        assertThat(pod.getContainers().get(0).getVolumeMounts().get(0).getMountPath())
                .isEqualTo("/mnt/models");

        Files.write(dir.resolve("weights.bin"), new byte[(int) ModelConfigMaps.LIMIT]);
        assertThatThrownBy(() -> ModelConfigMaps.of(inConfigMap, dir))
                .hasMessageContaining("more than a ConfigMap carries")
                .hasMessageContaining("'model-uri'");
    }

    @Test
    void theServiceAutoscalerAndBudgetTargetTheServer() {
        Service service = (Service) objects.get(0);
        assertThat(service.getSpec().getSelector())
                .as("both tracks, so a canary gets its share")
                .containsExactlyEntriesOf(Map.of("app.kubernetes.io/name", "iris"));
        assertThat(service.getSpec().getPorts().get(0).getTargetPort().getStrVal())
                .isEqualTo("http");

        HorizontalPodAutoscaler hpa = (HorizontalPodAutoscaler) objects.get(2);
        assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("iris");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getName()).isEqualTo("cpu");
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
                .isEqualTo(70);

        PodDisruptionBudget pdb = (PodDisruptionBudget) objects.get(3);
        assertThat(pdb.getApiVersion()).isEqualTo("policy/v1");
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).containsEntry("fermion.dev/track", "stable");
    }

    @Test
    void aCanaryIsASecondDeploymentWithReplicasInProportion() {
        Deployment canary = KubernetesDeployment.canaryDeployment(Settings.iris("4", 20), 4);
        assertThat(canary.getMetadata().getName()).isEqualTo("iris-canary");
        assertThat(canary.getSpec().getReplicas()).as("1 of 5 pods is 20%").isEqualTo(1);
        assertThat(canary.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/name", "iris")
                .containsEntry("fermion.dev/track", "canary");
        assertThat(Settings.iris("4", 50).canaryReplicas(3)).isEqualTo(3);
        assertThat(Settings.iris("4", 1).canaryReplicas(3))
                .as("never zero pods")
                .isEqualTo(1);
    }

    @Test
    void theYamlStreamParsesBackIntoTheSameObjects() {
        String yaml = KubernetesDeployment.yaml(objects);
        assertThat(yaml.split("(?m)^---$")).hasSize(4);
        List<HasMetadata> parsed = new KubernetesSerialization().unmarshal(yaml);
        assertThat(parsed)
                .extracting(HasMetadata::getKind)
                .containsExactly("Service", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget");
        assertThat(((Deployment) parsed.get(1))
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .contains("iris=/mnt/models");
    }

    @Test
    void theDeployerRoleGrantsExactlyTheManagedKindsInItsNamespace() {
        List<HasMetadata> rbac =
                KubernetesDeployment.deployerRbac("models", "pipeline-runner", DeployTarget.KUBERNETES);
        Role role = (Role) rbac.get(0);
        assertThat(role.getMetadata().getNamespace()).isEqualTo("models");
        assertThat(role.getRules())
                .extracting(
                        r -> r.getApiGroups().get(0) + "/" + r.getResources().get(0))
                .containsExactlyInAnyOrder(
                        "apps/deployments",
                        "/services",
                        "autoscaling/horizontalpodautoscalers",
                        "policy/poddisruptionbudgets",
                        "/configmaps");
        assertThat(role.getRules())
                .filteredOn(r -> r.getResources().contains("configmaps"))
                .singleElement()
                .satisfies(r -> assertThat(r.getVerbs())
                        .as("model ConfigMaps are immutable")
                        .containsExactlyInAnyOrder("get", "list", "create", "delete"));
        assertThat(role.getRules()).allSatisfy(r -> assertThat(r.getVerbs()).doesNotContain("*", "escalate", "bind"));
        RoleBinding binding = (RoleBinding) rbac.get(1);
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo("pipeline-runner");
            assertThat(s.getNamespace()).isEqualTo("models");
        });
        List<PolicyRule> kserve = ((Role) KubernetesDeployment.deployerRbac("models", "runner", DeployTarget.KSERVE)
                        .get(0))
                .getRules();
        assertThat(kserve).singleElement().satisfies(r -> {
            assertThat(r.getApiGroups()).containsExactly("serving.kserve.io");
            assertThat(r.getResources()).containsExactly("inferenceservices");
        });
    }

    @Test
    void settingsThatWouldMisleadKubernetesAreRefused() {
        ClusterSettings s = Settings.iris("3");
        assertThatThrownBy(() -> new ClusterSettings(
                        "iris",
                        "3",
                        "models",
                        s.image(),
                        "s3://m/x",
                        null,
                        s.storageInitializerImage(),
                        1,
                        2,
                        "1; rm -rf /",
                        "2Gi",
                        0,
                        70,
                        0))
                .hasMessageContaining("cpu '1; rm -rf /'");
        assertThatThrownBy(() -> new ClusterSettings(
                        "iris",
                        "3",
                        "models",
                        s.image(),
                        "/local/path",
                        null,
                        s.storageInitializerImage(),
                        1,
                        2,
                        "1",
                        "2Gi",
                        0,
                        70,
                        0))
                .hasMessageContaining("is not a URI");
        assertThatThrownBy(() -> new ClusterSettings(
                        "iris",
                        "3",
                        "models",
                        s.image(),
                        "s3://m/x",
                        null,
                        s.storageInitializerImage(),
                        1,
                        2,
                        "1",
                        "2Gi",
                        0,
                        70,
                        100))
                .hasMessageContaining("canary-percent");
        assertThatThrownBy(() -> new ClusterSettings(
                        "iris",
                        "3",
                        "models",
                        s.image(),
                        "s3://m/x",
                        null,
                        s.storageInitializerImage(),
                        3,
                        2,
                        "1",
                        "2Gi",
                        0,
                        70,
                        0))
                .hasMessageContaining("max-replicas");
        assertThatThrownBy(() -> new ClusterSettings(
                        "iris",
                        "3",
                        "models",
                        "image\nkind: Secret",
                        "s3://m/x",
                        null,
                        s.storageInitializerImage(),
                        1,
                        2,
                        "1",
                        "2Gi",
                        0,
                        70,
                        0))
                .hasMessageContaining("not an image reference");
    }
}
