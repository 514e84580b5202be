package dev.fermion.deploy.kubernetes;

import dev.fermion.deploy.Deployed;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(client.services().inNamespace("models").withName("iris").get()).isNotNull();
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("models").withName("iris").get())
                .isNotNull();
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace("models").withName("iris").get()).isNotNull();
        Deployment stable = deployment("iris");
        assertThat(stable.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("iris=/mnt/models");
        assertThat(stable.getMetadata().getAnnotations()).containsEntry("fermion.dev/version", "1")
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
        assertThat(KubernetesDeployment.fromJson(stable.getMetadata().getAnnotations()
                .get(KubernetesDeployment.PREVIOUS_ANNOTATION), "test").version()).isEqualTo("1");
        assertThat(stable.getSpec().getReplicas()).as("the autoscaler's count").isEqualTo(5);
        assertThat(stable.getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs())
                .contains("s3://models/iris/2");
    }

    @Test
    void aCanaryServesBesideTheStableVersionUntilPromoted() {
        rollout().deploy(Settings.iris("1"), Duration.ZERO);

        Deployed canary = rollout().deploy(Settings.iris("2", 25), Duration.ZERO);

        assertThat(canary.version()).isEqualTo("2");
        assertThat(deployment("iris").getMetadata().getAnnotations()).as("stable untouched")
                .containsEntry("fermion.dev/version", "1");
        Deployment canaryDeployment = deployment("iris-canary");
        assertThat(canaryDeployment.getMetadata().getAnnotations()).containsEntry("fermion.dev/version", "2");
        assertThat(canaryDeployment.getSpec().getReplicas()).as("1 pod beside 2 stable ones").isEqualTo(1);
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
        assertThat(stable.getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs())
                .contains("s3://models/iris/1");
        assertThat(KubernetesDeployment.fromJson(stable.getMetadata().getAnnotations()
                .get(KubernetesDeployment.PREVIOUS_ANNOTATION), "test").version())
                .as("a second rollback returns to the version rolled back from").isEqualTo("2");
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

    @Test
    void readinessIsEveryWantedPodUpdatedAndAvailable() {
        Deployment deployment = KubernetesDeployment.deployment(Settings.iris("1"), KubernetesDeployment.STABLE, 2);
        assertThat(KubernetesRollout.rolledOut(deployment)).isFalse();
        deployment.getMetadata().setGeneration(3L);
        deployment.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withObservedGeneration(3L)
                .withReplicas(3).withUpdatedReplicas(2).withAvailableReplicas(2).build());
        assertThat(KubernetesRollout.rolledOut(deployment)).as("an old pod still terminating").isFalse();
        deployment.getStatus().setReplicas(2);
        assertThat(KubernetesRollout.rolledOut(deployment)).isTrue();
        deployment.getStatus().setObservedGeneration(2L);
        assertThat(KubernetesRollout.rolledOut(deployment)).as("the controller has not seen the change").isFalse();
    }
}
