package dev.fermion.deploy.kubernetes;

import dev.fermion.deploy.Deployed;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Rolls model servers out to a namespace through the Kubernetes API, the one place this module talks to
 * a cluster for the KUBERNETES target. Each object is created, or replaced whole by the one built here, so
 * a field a newer rollout no longer sets does not linger from an older one.
 *
 * <ul>
 *   <li>A full rollout updates the stable Deployment (its rolling update keeps every ready pod until a new
 *   one is ready), records the settings it replaced in an annotation, and removes any canary.</li>
 *   <li>A canary leaves the stable Deployment alone and runs the new version as {@code <name>-canary},
 *   behind the same Service, with replicas in proportion to the requested share. Deploying the same version
 *   without a canary percent promotes it.</li>
 *   <li>Rollback removes a canary if there is one; otherwise it rolls the stable Deployment back to the
 *   recorded previous settings.</li>
 * </ul>
 */
public final class KubernetesRollout {
    private final KubernetesClient client;
    private final Consumer<String> log;

    public KubernetesRollout(KubernetesClient client, Consumer<String> log) {
        this.client = Objects.requireNonNull(client, "client");
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * Applies {@code settings} whose model is the bundle at {@code bundle}: when its model URI is
     * {@code configmap://NAME}, first creates that ConfigMap with the bundle's files unless it is there (its name
     * comes from the content, so one that is there holds these files), then as {@link #deploy(ClusterSettings, Duration)}.
     */
    public Deployed deploy(ClusterSettings settings, Path bundle, Duration ready) {
        String configMap = ModelConfigMaps.nameIn(settings.modelUri());
        if (configMap != null) {
            ConfigMap model = ModelConfigMaps.of(settings, bundle);
            if (client.configMaps()
                            .inNamespace(settings.namespace())
                            .withName(configMap)
                            .get()
                    == null) {
                client.resource(model).inNamespace(settings.namespace()).create();
                log.accept("Created ConfigMap " + configMap + " in namespace " + settings.namespace()
                        + " with the model's files ("
                        + model.getBinaryData().keySet().size() + " files)");
            }
        }
        return deploy(settings, ready);
    }

    /**
     * Applies {@code settings}; with a positive {@code ready} waits that long for the pods to be ready. When
     * the namespace already serves the same model with the same settings, applies nothing and reports it
     * up to date, under the version that serves.
     */
    public Deployed deploy(ClusterSettings settings, Duration ready) {
        Deployment stable = find(settings.namespace(), settings.name());
        if (stable != null) {
            Deployment serving = upToDate(settings, stable);
            if (serving != null) {
                ClusterSettings current = recorded(serving);
                log.accept("Deployment " + serving.getMetadata().getName() + " in namespace " + settings.namespace()
                        + " already serves model " + settings.modelDigest() + " with these settings, as version "
                        + current.version() + ": up to date, nothing applied");
                await(serving, ready);
                return new Deployed(endpoint(settings), current.version(), true);
            }
        }
        if (settings.canary() && stable == null) {
            log.accept("No version of '" + settings.name() + "' serves in namespace " + settings.namespace()
                    + " yet, so version " + settings.version() + " is rolled out fully instead of as a canary");
        }
        if (!settings.canary() || stable == null) {
            return rollOut(settings.fullRollout(), stable, ready);
        }
        int stableReplicas = replicas(stable);
        Deployment canary = KubernetesDeployment.canaryDeployment(settings, stableReplicas);
        apply(canary);
        log.accept("Canary " + canary.getMetadata().getName() + " serves version " + settings.version() + " on "
                + canary.getSpec().getReplicas() + " pod(s) beside " + stableReplicas + " stable pod(s) of version "
                + recorded(stable).version() + " (about " + settings.canaryPercent() + "% of requests)");
        await(canary, ready);
        return new Deployed(endpoint(settings), settings.version());
    }

    /** Ends a canary, or restores the stable Deployment's previous settings; fails if there is neither. */
    public Deployed rollback(String namespace, String name, Duration ready) {
        Deployment stable = find(namespace, name);
        if (stable == null) {
            throw new IllegalStateException("Nothing named '" + name + "' is deployed in namespace " + namespace
                    + ", so there is nothing to roll back");
        }
        ClusterSettings current = recorded(stable);
        Deployment canary = find(namespace, KubernetesDeployment.canaryName(name));
        if (canary != null) {
            client.apps()
                    .deployments()
                    .inNamespace(namespace)
                    .withName(canary.getMetadata().getName())
                    .delete();
            log.accept("Removed canary " + canary.getMetadata().getName() + " (version "
                    + canary.getMetadata().getAnnotations().get(KubernetesDeployment.VERSION_LABEL) + "); version "
                    + current.version() + " serves every request again");
            return new Deployed(endpoint(current), current.version());
        }
        String previous = stable.getMetadata().getAnnotations().get(KubernetesDeployment.PREVIOUS_ANNOTATION);
        if (previous == null) {
            throw new IllegalStateException("Deployment " + namespace + "/" + name + " records no previous version: "
                    + "version " + current.version() + " is the only one it served");
        }
        ClusterSettings target = KubernetesDeployment.fromJson(previous, "Deployment " + namespace + "/" + name);
        String configMap = ModelConfigMaps.nameIn(target.modelUri());
        if (configMap != null
                && client.configMaps()
                                .inNamespace(namespace)
                                .withName(configMap)
                                .get()
                        == null) {
            throw new IllegalStateException("Cannot roll '" + name + "' back to version " + target.version()
                    + ": ConfigMap " + configMap + " with its model is gone from namespace " + namespace
                    + "; deploy that model again instead");
        }
        log.accept("Rolling '" + name + "' back from version " + current.version() + " to " + target.version());
        return rollOut(target, stable, ready);
    }

    private Deployed rollOut(ClusterSettings settings, Deployment stable, Duration ready) {
        String previous = null;
        if (stable != null) {
            ClusterSettings current = recorded(stable);
            previous = current.version().equals(settings.version())
                    ? stable.getMetadata().getAnnotations().get(KubernetesDeployment.PREVIOUS_ANNOTATION)
                    : KubernetesDeployment.toJson(current);
        }
        List<HasMetadata> objects = KubernetesDeployment.manifests(settings);
        for (HasMetadata object : objects) {
            if (object instanceof Deployment deployment) {
                if (previous != null) {
                    deployment.getMetadata().getAnnotations().put(KubernetesDeployment.PREVIOUS_ANNOTATION, previous);
                }
                // The autoscaler may have added pods since; a rollout keeps them rather than scale down under load.
                if (stable != null) {
                    deployment.getSpec().setReplicas(Math.max(replicas(stable), settings.replicas()));
                }
            }
            apply(object);
        }
        Deployment canary = find(settings.namespace(), KubernetesDeployment.canaryName(settings.name()));
        if (canary != null) {
            client.apps()
                    .deployments()
                    .inNamespace(settings.namespace())
                    .withName(canary.getMetadata().getName())
                    .delete();
            log.accept("Removed canary " + canary.getMetadata().getName() + ": version " + settings.version()
                    + " now serves every request");
        }
        log.accept("Applied "
                + objects.stream()
                        .map(o -> o.getKind() + " " + o.getMetadata().getName())
                        .toList() + " in namespace " + settings.namespace() + " for version " + settings.version());
        await(find(settings.namespace(), settings.name()), ready);
        pruneModelConfigMaps(settings, previous);
        return new Deployed(endpoint(settings), settings.version());
    }

    /**
     * Deletes the model ConfigMaps of {@code settings.name()} that neither this version nor the one it replaced
     * (which a rollback restores) reads, once this version serves: each model a pipeline deploys would otherwise
     * stay in the namespace for good.
     */
    private void pruneModelConfigMaps(ClusterSettings settings, String previous) {
        if (ModelConfigMaps.nameIn(settings.modelUri()) == null && previous == null) {
            return;
        }
        Set<String> used = new HashSet<>();
        used.add(ModelConfigMaps.nameIn(settings.modelUri()));
        if (previous != null) {
            used.add(ModelConfigMaps.nameIn(KubernetesDeployment.fromJson(
                            previous, "Deployment " + settings.namespace() + "/" + settings.name())
                    .modelUri()));
        }
        for (ConfigMap old : client.configMaps()
                .inNamespace(settings.namespace())
                .withLabel(ModelConfigMaps.MODEL_OF_LABEL, settings.name())
                .list()
                .getItems()) {
            String name = old.getMetadata().getName();
            if (!used.contains(name)) {
                client.configMaps()
                        .inNamespace(settings.namespace())
                        .withName(name)
                        .delete();
                log.accept("Removed ConfigMap " + name + ": no version of '" + settings.name()
                        + "' reads its model any more");
            }
        }
    }

    /**
     * The Deployment that already serves {@code settings}, or null: for a full rollout the stable one, with
     * no canary beside it and every other object of the server in place; for a canary, the canary, or the
     * stable one if it serves this model already and no canary runs.
     */
    private Deployment upToDate(ClusterSettings settings, Deployment stable) {
        Deployment canary = find(settings.namespace(), KubernetesDeployment.canaryName(settings.name()));
        if (settings.canary() && canary != null) {
            return recorded(canary).sameServer(settings) ? canary : null;
        }
        if (canary != null || !recorded(stable).sameServer(settings.fullRollout())) {
            return null;
        }
        for (HasMetadata object : KubernetesDeployment.manifests(settings)) {
            if (client.resource(object).inNamespace(settings.namespace()).get() == null) {
                return null;
            }
        }
        String configMap = ModelConfigMaps.nameIn(settings.modelUri());
        if (configMap != null
                && client.configMaps()
                                .inNamespace(settings.namespace())
                                .withName(configMap)
                                .get()
                        == null) {
            return null;
        }
        return stable;
    }

    /** The URL other pods of the cluster reach the model at, through the Service. */
    public static String endpoint(ClusterSettings settings) {
        return "http://" + settings.name() + "." + settings.namespace() + ".svc.cluster.local/v2/models/"
                + settings.name();
    }

    private void apply(HasMetadata object) {
        client.resource(object).inNamespace(object.getMetadata().getNamespace()).createOr(NonDeletingOperation::update);
    }

    private Deployment find(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    private void await(Deployment deployment, Duration ready) {
        if (ready.isZero() || ready.isNegative()) {
            return;
        }
        String name = deployment.getMetadata().getName();
        log.accept("Waiting up to " + ready.toSeconds() + " s for Deployment " + name + " to be ready");
        client.apps()
                .deployments()
                .inNamespace(deployment.getMetadata().getNamespace())
                .withName(name)
                .waitUntilCondition(KubernetesRollout::rolledOut, ready.toMillis(), TimeUnit.MILLISECONDS);
        log.accept("Deployment " + name + " is ready");
    }

    /** Every wanted pod runs the current template and is available. */
    static boolean rolledOut(Deployment deployment) {
        if (deployment == null || deployment.getStatus() == null) {
            return false;
        }
        DeploymentStatus status = deployment.getStatus();
        int wanted = replicas(deployment);
        Long generation = deployment.getMetadata().getGeneration();
        return (generation == null
                        || (status.getObservedGeneration() != null && status.getObservedGeneration() >= generation))
                && Objects.equals(status.getUpdatedReplicas(), wanted)
                && Objects.equals(status.getAvailableReplicas(), wanted)
                && (status.getReplicas() == null || status.getReplicas() == wanted);
    }

    private static int replicas(Deployment deployment) {
        Integer replicas = deployment.getSpec().getReplicas();
        return replicas == null ? 1 : replicas;
    }

    private static ClusterSettings recorded(Deployment deployment) {
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        String json = annotations == null ? null : annotations.get(KubernetesDeployment.SETTINGS_ANNOTATION);
        if (json == null) {
            throw new IllegalStateException(
                    "Deployment " + deployment.getMetadata().getNamespace() + "/"
                            + deployment.getMetadata().getName() + " was not deployed by Fermion (it has no "
                            + KubernetesDeployment.SETTINGS_ANNOTATION
                            + " annotation); remove it or deploy under another name");
        }
        return KubernetesDeployment.fromJson(
                json, "Deployment " + deployment.getMetadata().getName());
    }
}
