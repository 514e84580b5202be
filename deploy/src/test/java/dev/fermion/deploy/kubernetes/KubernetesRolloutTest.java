package dev.fermion.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.deploy.Deployed;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rollouts, canaries and rollbacks against the fabric8 mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class KubernetesRolloutTest {
    KubernetesMockServer server;
    KubernetesClient client;
    private final List<String> log = new ArrayList<>();

    private KubernetesRollout rollout() {
        return new KubernetesRollout(client, log::add);
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace("models").withName(name).get();
    }

    @Test
    void aFullRolloutCreatesEveryObject() {
        Deployed deployed = rollout().deploy(Settings.iris("1"), Duration.ZERO);

        assertThat(deployed).isEqualTo(new Deployed("http://iris.models.svc.cluster.local/v2/models/iris", "1"));
        assertThat(client.services().inNamespace("models").withName("iris").get())
                .isNotNull();
        assertThat(client.autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inNamespace("models")
                        .withName("iris")
                        .get())
                .isNotNull();
        assertThat(client.policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace("models")
                        .withName("iris")
                        .get())
                .isNotNull();
        Deployment stable = deployment("iris");
        assertThat(stable.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .contains("iris=/mnt/models");
        assertThat(stable.getMetadata().getAnnotations())
                .containsEntry("fermion.dev/version", "1")
                .doesNotContainKey(KubernetesDeployment.PREVIOUS_ANNOTATION);
    }

    @Test
    void aNewVersionRecordsTheOneItReplacesAndKeepsScaledUpReplicas() {
        rollout().deploy(Settings.iris("1"), Duration.ZERO);
        Deployment scaled = deployment("iris");
        scaled.getSpec().setReplicas(5);
        client.resource(scaled).update();

        rollout().deploy(Settings.iris("2"), Duration.ZERO);

        Deployment stable = deployment("iris");
        assertThat(stable.getMetadata().getAnnotations()).containsEntry("fermion.dev/version", "2");
        assertThat(KubernetesDeployment.fromJson(
                                stable.getMetadata().getAnnotations().get(KubernetesDeployment.PREVIOUS_ANNOTATION),
                                "test")
                        .version())
                .isEqualTo("1");
        assertThat(stable.getSpec().getReplicas()).as("the autoscaler's count").isEqualTo(5);
        assertThat(stable.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getInitContainers()
                        .get(0)
                        .getArgs())
                .contains("s3://models/iris/2");
    }

    @Test
    void aCanaryServesBesideTheStableVersionUntilPromoted() {
        rollout().deploy(Settings.iris("1"), Duration.ZERO);

        Deployed canary = rollout().deploy(Settings.iris("2", 25), Duration.ZERO);

        assertThat(canary.version()).isEqualTo("2");
        assertThat(deployment("iris").getMetadata().getAnnotations())
                .as("stable untouched")
                .containsEntry("fermion.dev/version", "1");
        Deployment canaryDeployment = deployment("iris-canary");
        assertThat(canaryDeployment.getMetadata().getAnnotations()).containsEntry("fermion.dev/version", "2");
        assertThat(canaryDeployment.getSpec().getReplicas())
                .as("1 pod beside 2 stable ones")
                .isEqualTo(1);
        assertThat(log).anySatisfy(l -> assertThat(l).contains("Canary iris-canary serves version 2", "about 25%"));

        rollout().deploy(Settings.iris("2"), Duration.ZERO);

        assertThat(deployment("iris-canary")).as("promotion ends the canary").isNull();
        assertThat(deployment("iris").getMetadata().getAnnotations()).containsEntry("fermion.dev/version", "2");
    }

    @Test
    void rollbackEndsACanaryFirstThenRestoresThePreviousVersion() {
        rollout().deploy(Settings.iris("1"), Duration.ZERO);
        rollout().deploy(Settings.iris("2"), Duration.ZERO);
        rollout().deploy(Settings.iris("3", 10), Duration.ZERO);

        Deployed afterCanary = rollout().rollback("models", "iris", Duration.ZERO);
        assertThat(afterCanary.version()).isEqualTo("2");
        assertThat(deployment("iris-canary")).isNull();

        Deployed afterRollback = rollout().rollback("models", "iris", Duration.ZERO);
        assertThat(afterRollback.version()).isEqualTo("1");
        Deployment stable = deployment("iris");
        assertThat(stable.getMetadata().getAnnotations()).containsEntry("fermion.dev/version", "1");
        assertThat(stable.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getInitContainers()
                        .get(0)
                        .getArgs())
                .contains("s3://models/iris/1");
        assertThat(KubernetesDeployment.fromJson(
                                stable.getMetadata().getAnnotations().get(KubernetesDeployment.PREVIOUS_ANNOTATION),
                                "test")
                        .version())
                .as("a second rollback returns to the version rolled back from")
                .isEqualTo("2");
    }

    @Test
    void aFirstCanaryIsAFullRolloutAndRollbackNeedsHistory() {
        Deployed deployed = rollout().deploy(Settings.iris("1", 30), Duration.ZERO);

        assertThat(deployed.version()).isEqualTo("1");
        assertThat(deployment("iris-canary")).isNull();
        assertThat(deployment("iris").getMetadata().getAnnotations()).containsEntry("fermion.dev/version", "1");
        assertThat(log).anySatisfy(l -> assertThat(l).contains("rolled out fully instead of as a canary"));
        assertThatThrownBy(() -> rollout().rollback("models", "iris", Duration.ZERO))
                .hasMessageContaining("records no previous version");
        assertThatThrownBy(() -> rollout().rollback("models", "absent", Duration.ZERO))
                .hasMessageContaining("Nothing named 'absent' is deployed in namespace models");
    }

    /** The resource versions of the server's objects: they change with every write. */
    private List<String> resourceVersions(String... names) {
        List<String> versions = new ArrayList<>();
        versions.add(client.services()
                .inNamespace("models")
                .withName("iris")
                .get()
                .getMetadata()
                .getResourceVersion());
        versions.add(client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace("models")
                .withName("iris")
                .get()
                .getMetadata()
                .getResourceVersion());
        versions.add(client.policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace("models")
                .withName("iris")
                .get()
                .getMetadata()
                .getResourceVersion());
        for (String name : names) {
            versions.add(deployment(name).getMetadata().getResourceVersion());
        }
        return versions;
    }

    @Test
    void theSameModelWithTheSameSettingsIsUpToDateAndAppliesNothing() {
        Deployed first = rollout().deploy(Settings.published("run-1", 'a', 2, 0), Duration.ZERO);
        assertThat(first.upToDate()).isFalse();
        assertThat(deployment("iris").getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("fermion.dev/model-digest", "sha256:" + "a".repeat(64));
        List<String> written = resourceVersions("iris");
        log.clear();

        // A second run: its own run id as the version, the same model and settings.
        Deployed again = rollout().deploy(Settings.published("run-2", 'a', 2, 0), Duration.ZERO);

        assertThat(resourceVersions("iris")).as("nothing written").isEqualTo(written);
        assertThat(again).isEqualTo(new Deployed("http://iris.models.svc.cluster.local/v2/models/iris", "run-1", true));
        assertThat(deployment("iris").getMetadata().getAnnotations()).containsEntry("fermion.dev/version", "run-1");
        assertThat(log)
                .singleElement()
                .satisfies(l -> assertThat(l)
                        .contains("already serves model sha256:aaaa", "as version run-1: up to date, nothing applied"));
    }

    @Test
    void newContentOrOtherSettingsOrAMissingObjectAreRolledOut() {
        rollout().deploy(Settings.published("run-1", 'a', 2, 0), Duration.ZERO);

        Deployed retrained = rollout().deploy(Settings.published("run-2", 'b', 2, 0), Duration.ZERO);
        assertThat(retrained.upToDate()).as("new content behind the same URI").isFalse();
        assertThat(deployment("iris").getSpec().getTemplate().getMetadata().getAnnotations())
                .as("a new pod template, so new pods read the new content")
                .containsEntry("fermion.dev/model-digest", "sha256:" + "b".repeat(64));

        Deployed scaled = rollout().deploy(Settings.published("run-3", 'b', 3, 0), Duration.ZERO);
        assertThat(scaled.upToDate()).as("other settings").isFalse();
        assertThat(scaled.version()).isEqualTo("run-3");

        client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace("models")
                .withName("iris")
                .delete();
        Deployed repaired = rollout().deploy(Settings.published("run-4", 'b', 3, 0), Duration.ZERO);
        assertThat(repaired.upToDate()).as("the autoscaler was deleted").isFalse();
        assertThat(client.autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inNamespace("models")
                        .withName("iris")
                        .get())
                .isNotNull();

        rollout().deploy(Settings.published("run-5", 'b', 3, 0), Duration.ZERO);
        ClusterSettings unknown = Settings.iris("run-6");
        rollout().deploy(unknown, Duration.ZERO);
        assertThat(rollout().deploy(unknown, Duration.ZERO).upToDate())
                .as("content unknown: never up to date")
                .isFalse();
    }

    @Test
    void aCanaryOfTheSameModelIsUpToDateAndAPromotionIsNot() {
        rollout().deploy(Settings.published("run-1", 'a', 2, 0), Duration.ZERO);
        assertThat(rollout().deploy(Settings.published("run-2", 'a', 2, 25), Duration.ZERO))
                .as("a canary of what serves every request already")
                .isEqualTo(new Deployed("http://iris.models.svc.cluster.local/v2/models/iris", "run-1", true));
        assertThat(deployment("iris-canary")).isNull();

        rollout().deploy(Settings.published("run-3", 'b', 2, 25), Duration.ZERO);
        List<String> written = resourceVersions("iris", "iris-canary");
        Deployed canaryAgain = rollout().deploy(Settings.published("run-4", 'b', 2, 25), Duration.ZERO);
        assertThat(canaryAgain.upToDate()).isTrue();
        assertThat(canaryAgain.version()).isEqualTo("run-3");
        assertThat(resourceVersions("iris", "iris-canary")).isEqualTo(written);

        Deployed promoted = rollout().deploy(Settings.published("run-5", 'b', 2, 0), Duration.ZERO);
        assertThat(promoted.upToDate()).as("promotion ends the canary").isFalse();
        assertThat(deployment("iris-canary")).isNull();
    }

    /** A model without a store travels in a ConfigMap; those no version reads are removed, a rollback's is kept. */
    @Test
    void modelConfigMapsOfTheServingAndThePreviousVersionAreKept(@TempDir Path dir) throws IOException {
        List<String> digests = new ArrayList<>();
        for (char digit : new char[] {'a', 'b', 'c'}) {
            Path bundle = Files.createDirectories(dir.resolve("bundle-" + digit));
            Files.writeString(bundle.resolve("labels.json"), "[\"" + digit + "\"]");
            String digest = "sha256:" + String.valueOf(digit).repeat(64);
            digests.add(ModelConfigMaps.name("iris", digest));
            ClusterSettings settings = inConfigMap("run-" + digit, digest);
            Deployed deployed = rollout().deploy(settings, bundle, Duration.ZERO);
            assertThat(deployed.upToDate()).isFalse();
            assertThat(rollout()
                            .deploy(inConfigMap("again-" + digit, digest), bundle, Duration.ZERO)
                            .upToDate())
                    .as("the same model again")
                    .isTrue();
        }
        assertThat(modelConfigMaps())
                .as("the serving model and the one a rollback restores")
                .containsExactlyInAnyOrder(digests.get(1), digests.get(2));
        assertThat(client.configMaps()
                        .inNamespace("models")
                        .withName(digests.get(2))
                        .get()
                        .getBinaryData())
                .containsOnlyKeys("labels.json");

        rollout().rollback("models", "iris", Duration.ZERO);
        assertThat(deployment("iris").getMetadata().getAnnotations()).containsEntry("fermion.dev/version", "run-b");
        assertThat(modelConfigMaps()).containsExactlyInAnyOrder(digests.get(1), digests.get(2));

        client.configMaps().inNamespace("models").withName(digests.get(2)).delete();
        assertThatThrownBy(() -> rollout().rollback("models", "iris", Duration.ZERO))
                .hasMessageContaining("ConfigMap " + digests.get(2) + " with its model is gone");
    }

    private static ClusterSettings inConfigMap(String version, String digest) {
        return new ClusterSettings(
                "iris",
                version,
                "models",
                "ghcr.io/fermion-ml/fermion-runtime:1.0.0",
                ModelConfigMaps.URI_PREFIX + ModelConfigMaps.name("iris", digest),
                digest,
                null,
                ClusterSettings.DEFAULT_STORAGE_INITIALIZER,
                1,
                3,
                "500m",
                "1Gi",
                0,
                70,
                0);
    }

    private List<String> modelConfigMaps() {
        return client
                .configMaps()
                .inNamespace("models")
                .withLabel(ModelConfigMaps.MODEL_OF_LABEL, "iris")
                .list()
                .getItems()
                .stream()
                .map(c -> c.getMetadata().getName())
                .toList();
    }

    @Test
    void readinessIsEveryWantedPodUpdatedAndAvailable() {
        Deployment deployment = KubernetesDeployment.deployment(Settings.iris("1"), KubernetesDeployment.STABLE, 2);
        assertThat(KubernetesRollout.rolledOut(deployment)).isFalse();
        deployment.getMetadata().setGeneration(3L);
        deployment.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                .withObservedGeneration(3L)
                .withReplicas(3)
                .withUpdatedReplicas(2)
                .withAvailableReplicas(2)
                .build());
        assertThat(KubernetesRollout.rolledOut(deployment))
                .as("an old pod still terminating")
                .isFalse();
        deployment.getStatus().setReplicas(2);
        assertThat(KubernetesRollout.rolledOut(deployment)).isTrue();
        deployment.getStatus().setObservedGeneration(2L);
        assertThat(KubernetesRollout.rolledOut(deployment))
                .as("the controller has not seen the change")
                .isFalse();
    }
}
