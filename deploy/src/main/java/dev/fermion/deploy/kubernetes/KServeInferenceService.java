package dev.fermion.deploy.kubernetes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A KServe {@code InferenceService} (serving.kserve.io/v1beta1) whose predictor is our own container:
 * {@code fermion-serve} over the bundle KServe's storage initializer downloads to {@code /mnt/models} from
 * the {@code STORAGE_URI} of the container, the documented way to give a custom predictor its model. A
 * canary is KServe's own: {@code canaryTrafficPercent} splits traffic between the new revision and the last
 * one rolled out. Built as a {@link GenericKubernetesResource}, so no KServe client library is needed.
 */
public final class KServeInferenceService {
    public static final String API_VERSION = "serving.kserve.io/v1beta1";
    public static final String KIND = "InferenceService";
    public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup("serving.kserve.io")
            .withVersion("v1beta1")
            .withKind(KIND)
            .withPlural("inferenceservices")
            .withNamespaced(true)
            .build();
    /** The container name KServe looks for in a custom predictor. */
    static final String CONTAINER = "kserve-container";

    private static final ObjectMapper JSON =
            new ObjectMapper().setDefaultPropertyInclusion(JsonInclude.Include.NON_EMPTY);

    private KServeInferenceService() {}

    public static GenericKubernetesResource manifest(ClusterSettings settings) {
        if (settings.storageSecret() != null) {
            throw new IllegalArgumentException("KServe gives its storage initializer the credentials of the "
                    + "predictor's service account, not a Secret named here: attach secret '"
                    + settings.storageSecret() + "' to the namespace's default service account and leave "
                    + "storage-secret unset for the KSERVE target");
        }
        Container server = KubernetesDeployment.server(settings, false);
        server.setName(CONTAINER);
        server.setEnv(List.of(new EnvVarBuilder()
                .withName("STORAGE_URI")
                .withValue(settings.modelUri())
                .build()));
        Map<String, Object> predictor = new LinkedHashMap<>();
        predictor.put("minReplicas", settings.replicas());
        predictor.put("maxReplicas", settings.maxReplicas());
        predictor.put("scaleMetric", "cpu");
        predictor.put("scaleTarget", settings.cpuTargetPercent());
        if (settings.canary()) {
            predictor.put("canaryTrafficPercent", settings.canaryPercent());
        }
        predictor.put("securityContext", asMap(KubernetesDeployment.podSecurity()));
        predictor.put("automountServiceAccountToken", false);
        if (settings.gpus() > 0) {
            predictor.put(
                    "tolerations",
                    List.of(asMap(new TolerationBuilder()
                            .withKey(KubernetesDeployment.GPU)
                            .withOperator("Exists")
                            .withEffect("NoSchedule")
                            .build())));
        }
        List<Object> containers = new ArrayList<>();
        containers.add(asMap(server));
        predictor.put("containers", containers);
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(API_VERSION)
                .withKind(KIND)
                .withNewMetadata()
                .withName(settings.name())
                .withNamespace(settings.namespace())
                .withLabels(KubernetesDeployment.labels(settings.name(), null))
                .withAnnotations(KubernetesDeployment.annotations(settings))
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("predictor", predictor)))
                .build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object object) {
        return JSON.convertValue(object, Map.class);
    }
}
