package dev.fermion.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fermion.dsl.Pipeline;
import dev.fermion.plan.Node;
import dev.fermion.testfixtures.RestrictedPodSecurity;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every pod the deploy module creates is admitted by a namespace enforcing the "restricted" Pod Security
 * Standard: the Deployments of a rollout and a canary, whatever the model source, GPUs and credentials, the
 * KServe predictor, and the manifests a workflow applies itself.
 */
class PodSecurityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every variant that changes the pod: a download or a mounted claim, GPUs, store credentials. */
    private static List<ClusterSettings> variants() {
        ClusterSettings s = Settings.iris("3");
        return List.of(
                s,
                new ClusterSettings(
                        "iris",
                        "3",
                        "models",
                        s.image(),
                        "pvc://models/iris/3",
                        null,
                        s.storageInitializerImage(),
                        1,
                        2,
                        "1",
                        "2Gi",
                        0,
                        70,
                        0),
                new ClusterSettings(
                        "iris",
                        "3",
                        "models",
                        "ghcr.io/fermion-ml/fermion-runtime-gpu:1.0.0",
                        s.modelUri(),
                        null,
                        s.storageInitializerImage(),
                        1,
                        2,
                        "2",
                        "8Gi",
                        1,
                        70,
                        0),
                new ClusterSettings(
                        "iris",
                        "3",
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
                        0));
    }

    private static void assertRestricted(String what, JsonNode pod) {
        assertThat(RestrictedPodSecurity.violations(pod)).as(what + ": " + pod).isEmpty();
    }

    @Test
    void theDeploymentsOfARolloutAndACanaryMeetTheRestrictedProfile() {
        for (ClusterSettings settings : variants()) {
            List<Deployment> deployments = new ArrayList<>();
            for (HasMetadata object : KubernetesDeployment.manifests(settings)) {
                if (object instanceof Deployment deployment) {
                    deployments.add(deployment);
                }
            }
            deployments.add(KubernetesDeployment.canaryDeployment(settings, 3));
            assertThat(deployments).hasSize(2);
            for (Deployment deployment : deployments) {
                assertRestricted(
                        deployment.getMetadata().getName() + " from " + settings.modelUri(),
                        JSON.valueToTree(deployment.getSpec().getTemplate().getSpec()));
            }
        }
    }

    @Test
    void theKServePredictorMeetsTheRestrictedProfile() {
        for (ClusterSettings settings : List.of(Settings.iris("3"), Settings.iris("4", 10))) {
            Map<?, ?> spec = (Map<?, ?>) KServeInferenceService.manifest(settings)
                    .getAdditionalProperties()
                    .get("spec");
            assertRestricted("the predictor", JSON.valueToTree(spec.get("predictor")));
        }
    }

    @Test
    void theDeploymentAWorkflowAppliesMeetsTheRestrictedProfile() throws Exception {
        var plan = Pipeline.named("serve-iris")
                .define(p -> ApplyObject.steps(p, Settings.iris("3")))
                .plan();
        String manifest = ((Node.ResourceNode)
                        plan.graph().node("apply-deployment").orElseThrow())
                .resource()
                .manifest();
        assertRestricted("apply-deployment", new YAMLMapper().readTree(manifest).at("/spec/template/spec"));
    }
}
