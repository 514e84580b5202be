package dev.fermion.deploy.kubernetes;

import dev.fermion.deploy.Deployed;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Rolls model servers out as KServe InferenceServices through the Kubernetes API. KServe keeps the
 * revision last rolled out serving beside a canary; this class records the settings each rollout replaced
 * in an annotation, so rollback restores them whether or not a canary is in progress.
 */
public final class KServeRollout {
    private final KubernetesClient client;
    private final Consumer<String> log;

    public KServeRollout(KubernetesClient client, Consumer<String> log) {
        this.client = Objects.requireNonNull(client, "client");
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * Applies {@code settings}; with a positive {@code ready} waits that long for KServe's Ready condition.
     * When the InferenceService already serves the same model with the same settings, or already serves it
     * fully and a canary of it is asked for, applies nothing and reports it up to date, under the version
     * that serves.
     */
    public Deployed deploy(ClusterSettings settings, Duration ready) {
        GenericKubernetesResource current =
                services(settings.namespace()).withName(settings.name()).get();
        if (current != null) {
            ClusterSettings serving = recorded(current);
            if (serving.sameServer(settings) || (!serving.canary() && serving.sameServer(settings.fullRollout()))) {
                log.accept("InferenceService " + settings.name() + " in namespace " + settings.namespace()
                        + " already serves model " + settings.modelDigest() + " with these settings, as version "
                        + serving.version() + ": up to date, nothing applied");
                return new Deployed(endpoint(await(current, ready), settings), serving.version(), true);
            }
        }
        ClusterSettings applied = settings;
        if (settings.canary() && current == null) {
            log.accept("No version of '" + settings.name() + "' serves in namespace " + settings.namespace()
                    + " yet, so version " + settings.version() + " is rolled out fully instead of as a canary");
            applied = settings.fullRollout();
        }
        String previous = null;
        if (current != null) {
            ClusterSettings replaced = recorded(current);
            previous = replaced.version().equals(applied.version())
                    ? annotation(current, KubernetesDeployment.PREVIOUS_ANNOTATION)
                    : KubernetesDeployment.toJson(replaced);
        }
        GenericKubernetesResource service = apply(applied, previous);
        log.accept(
                applied.canary()
                        ? "InferenceService " + applied.name() + " sends " + applied.canaryPercent()
                                + "% of requests to " + "version " + applied.version()
                                + " and the rest to the revision rolled out before"
                        : "InferenceService " + applied.name() + " rolls out version " + applied.version() + " fully");
        return new Deployed(endpoint(await(service, ready), applied), applied.version());
    }

    /** Restores the settings the current ones replaced, as a full rollout. */
    public Deployed rollback(String namespace, String name, Duration ready) {
        GenericKubernetesResource current = services(namespace).withName(name).get();
        if (current == null) {
            throw new IllegalStateException("No InferenceService '" + name + "' is deployed in namespace " + namespace
                    + ", so there is nothing to roll back");
        }
        ClusterSettings now = recorded(current);
        String previous = annotation(current, KubernetesDeployment.PREVIOUS_ANNOTATION);
        if (previous == null) {
            throw new IllegalStateException("InferenceService " + namespace + "/" + name + " records no previous "
                    + "version: version " + now.version() + " is the only one it served");
        }
        ClusterSettings target = KubernetesDeployment.fromJson(previous, "InferenceService " + namespace + "/" + name)
                .fullRollout();
        log.accept("Rolling '" + name + "' back from version " + now.version() + " to " + target.version());
        GenericKubernetesResource service = apply(target, KubernetesDeployment.toJson(now));
        return new Deployed(endpoint(await(service, ready), target), target.version());
    }

    private GenericKubernetesResource apply(ClusterSettings settings, String previous) {
        GenericKubernetesResource manifest = KServeInferenceService.manifest(settings);
        if (previous != null) {
            manifest.getMetadata().getAnnotations().put(KubernetesDeployment.PREVIOUS_ANNOTATION, previous);
        }
        // Replaced whole, so promoting a canary drops canaryTrafficPercent instead of keeping the old one.
        return services(settings.namespace()).resource(manifest).createOr(NonDeletingOperation::update);
    }

    private GenericKubernetesResource await(GenericKubernetesResource service, Duration ready) {
        if (ready.isZero() || ready.isNegative()) {
            return service;
        }
        String name = service.getMetadata().getName();
        log.accept("Waiting up to " + ready.toSeconds() + " s for InferenceService " + name + " to be ready");
        GenericKubernetesResource done = services(service.getMetadata().getNamespace())
                .withName(name)
                .waitUntilCondition(KServeRollout::isReady, ready.toMillis(), TimeUnit.MILLISECONDS);
        log.accept("InferenceService " + name + " is ready");
        return done;
    }

    /** KServe's Ready condition holds for the current generation. */
    static boolean isReady(GenericKubernetesResource service) {
        if (service == null || !(service.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
            return false;
        }
        Long generation = service.getMetadata().getGeneration();
        Object observed = status.get("observedGeneration");
        if (generation != null && (!(observed instanceof Number n) || n.longValue() < generation)) {
            return false;
        }
        if (!(status.get("conditions") instanceof List<?> conditions)) {
            return false;
        }
        return conditions.stream()
                .anyMatch(c -> c instanceof Map<?, ?> condition
                        && "Ready".equals(condition.get("type"))
                        && "True".equals(condition.get("status")));
    }

    /** The cluster-internal address KServe reports once ready, else the predictor's Service name. */
    static String endpoint(GenericKubernetesResource service, ClusterSettings settings) {
        String base = "http://" + settings.name() + "-predictor." + settings.namespace() + ".svc.cluster.local";
        if (service != null
                && service.getAdditionalProperties().get("status") instanceof Map<?, ?> status
                && status.get("address") instanceof Map<?, ?> address
                && address.get("url") instanceof String url) {
            base = url.replaceAll("/+$", "");
        }
        return base + "/v2/models/" + settings.name();
    }

    private NonNamespaceOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            services(String namespace) {
        return client.genericKubernetesResources(KServeInferenceService.CONTEXT).inNamespace(namespace);
    }

    private static String annotation(GenericKubernetesResource service, String key) {
        Map<String, String> annotations = service.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    private static ClusterSettings recorded(GenericKubernetesResource service) {
        String json = annotation(service, KubernetesDeployment.SETTINGS_ANNOTATION);
        if (json == null) {
            throw new IllegalStateException(
                    "InferenceService " + service.getMetadata().getNamespace() + "/"
                            + service.getMetadata().getName() + " was not deployed by Fermion (it has no "
                            + KubernetesDeployment.SETTINGS_ANNOTATION
                            + " annotation); remove it or deploy under another name");
        }
        return KubernetesDeployment.fromJson(
                json, "InferenceService " + service.getMetadata().getName());
    }
}
