package dev.fermion.deploy.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.deploy.DeployTarget;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Kubernetes objects of a model server, from fabric8's typed builders: a Deployment of
 * {@code fermion-serve} pods (health probes, resources and GPUs, non-root, rolling updates that never
 * lower the ready count), a Service, a HorizontalPodAutoscaler on CPU and a PodDisruptionBudget; the
 * {@code <name>-canary} Deployment of a canary; and the Role a service account needs to apply them. The
 * ConfigMap that carries a small model to its pods when no store holds it is {@link ModelConfigMaps}'s.
 *
 * <p>{@link KubernetesRollout} applies these with the Kubernetes client; {@link #yaml} writes them for a
 * pipeline that applies them from the workflow as resource steps ({@link ApplyObject}).
 *
 * <p>Kept in one class, though long, because the objects of one server must agree with each other on names,
 * labels, ports and probes: the Service selects the Deployment's labels, the autoscaler and the disruption
 * budget name it, the canary shares its pod template. Split, each agreement would cross a file boundary.
 */
public final class KubernetesDeployment {
    public static final String NAME_LABEL = "app.kubernetes.io/name";
    public static final String TRACK_LABEL = "fermion.dev/track";
    public static final String VERSION_LABEL = "fermion.dev/version";
    public static final String STABLE = "stable";
    public static final String CANARY = "canary";
    /** The settings a Deployment was built from, as JSON: what a later rollback restores. */
    public static final String SETTINGS_ANNOTATION = "fermion.dev/settings";

    public static final String PREVIOUS_ANNOTATION = "fermion.dev/previous-settings";
    public static final String MODEL_URI_ANNOTATION = "fermion.dev/model-uri";
    public static final String MODEL_DIGEST_ANNOTATION = "fermion.dev/model-digest";
    public static final String GPU = "nvidia.com/gpu";
    static final String CONTAINER = "fermion-serve";
    /** The runtime image's user and group (see runtime-image/docker). */
    static final long USER = 10001;

    private static final String MODEL_VOLUME = "model";
    private static final String PVC = "pvc://";
    private static final ObjectMapper JSON = new ObjectMapper();

    private KubernetesDeployment() {}

    /** Service, Deployment, HorizontalPodAutoscaler and PodDisruptionBudget of a full rollout of {@code settings}. */
    public static List<HasMetadata> manifests(ClusterSettings settings) {
        return List.of(
                service(settings),
                deployment(settings.fullRollout(), STABLE, settings.replicas()),
                autoscaler(settings),
                disruptionBudget(settings));
    }

    /** The objects as one YAML stream, documents separated by {@code ---}. */
    public static String yaml(List<? extends HasMetadata> objects) {
        return objects.stream().map(Manifests::yaml).collect(Collectors.joining("---\n"));
    }

    /** The Deployment {@code <name>-canary} that serves {@code settings} beside {@code stableReplicas} stable pods. */
    public static Deployment canaryDeployment(ClusterSettings settings, int stableReplicas) {
        return deployment(settings, CANARY, settings.canaryReplicas(stableReplicas));
    }

    public static String canaryName(String name) {
        return name + "-" + CANARY;
    }

    /** Selects the pods of both tracks, so a canary gets its share of requests without another Service. */
    public static Service service(ClusterSettings settings) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(settings.name())
                .withNamespace(settings.namespace())
                .withLabels(labels(settings.name(), null))
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(Map.of(NAME_LABEL, settings.name()))
                .addNewPort()
                .withName("http")
                .withPort(80)
                .withTargetPort(new IntOrString("http"))
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build();
    }

    public static Deployment deployment(ClusterSettings settings, String track, int replicas) {
        String name = track.equals(CANARY) ? canaryName(settings.name()) : settings.name();
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(NAME_LABEL, settings.name());
        selector.put(TRACK_LABEL, track);
        Map<String, String> podLabels = new LinkedHashMap<>(labels(settings.name(), track));
        podLabels.put(VERSION_LABEL, settings.version());
        boolean download = !settings.modelUri().startsWith(PVC) && ModelConfigMaps.nameIn(settings.modelUri()) == null;
        List<Container> initContainers = download ? List.of(storageInitializer(settings)) : List.of();
        List<Toleration> tolerations = settings.gpus() > 0
                ? List.of(new TolerationBuilder()
                        .withKey(GPU)
                        .withOperator("Exists")
                        .withEffect("NoSchedule")
                        .build())
                : List.of();
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(settings.namespace())
                .withLabels(labels(settings.name(), track))
                .withAnnotations(annotations(settings))
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withRevisionHistoryLimit(5)
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withNewStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0))
                .withMaxSurge(new IntOrString(1))
                .endRollingUpdate()
                .endStrategy()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(podLabels)
                .withAnnotations(modelAnnotations(settings))
                .endMetadata()
                .withNewSpec()
                // The server calls no Kubernetes API, so its pods get no token to leak.
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(podSecurity())
                .withInitContainers(initContainers)
                .withContainers(server(settings, true))
                .withVolumes(modelVolume(settings))
                .withTolerations(tolerations)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    public static HorizontalPodAutoscaler autoscaler(ClusterSettings settings) {
        return new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName(settings.name())
                .withNamespace(settings.namespace())
                .withLabels(labels(settings.name(), STABLE))
                .endMetadata()
                .withNewSpec()
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(settings.name())
                .endScaleTargetRef()
                .withMinReplicas(settings.replicas())
                .withMaxReplicas(settings.maxReplicas())
                .addNewMetric()
                .withType("Resource")
                .withNewResource()
                .withName("cpu")
                .withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(settings.cpuTargetPercent())
                .endTarget()
                .endResource()
                .endMetric()
                .endSpec()
                .build();
    }

    /** Voluntary evictions (node drains) leave at least one stable pod serving. */
    public static PodDisruptionBudget disruptionBudget(ClusterSettings settings) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName(settings.name())
                .withNamespace(settings.namespace())
                .withLabels(labels(settings.name(), STABLE))
                .endMetadata()
                .withNewSpec()
                .withMinAvailable(new IntOrString(1))
                .withNewSelector()
                .addToMatchLabels(NAME_LABEL, settings.name())
                .addToMatchLabels(TRACK_LABEL, STABLE)
                .endSelector()
                .endSpec()
                .build();
    }

    /**
     * The least the service account {@code serviceAccount} needs to deploy to {@code namespace} with
     * {@code target}: the verbs a rollout uses on exactly the kinds it manages, in that namespace only.
     * Apply these once as a cluster administrator; the workflow's pods then run as that account.
     */
    public static List<HasMetadata> deployerRbac(String namespace, String serviceAccount, DeployTarget target) {
        List<String> verbs = List.of("get", "list", "watch", "create", "update", "patch", "delete");
        List<PolicyRule> rules = new ArrayList<>();
        if (target == DeployTarget.KSERVE) {
            rules.add(rule("serving.kserve.io", "inferenceservices", verbs));
        } else {
            rules.add(rule("apps", "deployments", verbs));
            rules.add(rule("", "services", verbs));
            rules.add(rule("autoscaling", "horizontalpodautoscalers", verbs));
            rules.add(rule("policy", "poddisruptionbudgets", verbs));
            // models carried in ConfigMaps: created once (immutable), listed and deleted when no version uses them
            rules.add(rule("", "configmaps", List.of("get", "list", "create", "delete")));
        }
        String name = "fermion-deployer-" + target.name().toLowerCase(java.util.Locale.ROOT);
        Role role = new RoleBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withRules(rules)
                .build();
        RoleBinding binding = new RoleBindingBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role")
                .withName(name)
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(serviceAccount)
                .withNamespace(namespace)
                .endSubject()
                .build();
        return List.of(role, binding);
    }

    /**
     * The {@code fermion-serve} container, reading the bundle from {@code /mnt/models}; {@code mountModel}
     * false where something else (KServe) mounts it there.
     */
    static Container server(ClusterSettings settings, boolean mountModel) {
        ContainerBuilder container = new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(settings.image())
                .withCommand("fermion-serve")
                .withArgs(
                        "--model",
                        settings.name() + "=" + ClusterSettings.MODEL_DIR,
                        "--host",
                        "0.0.0.0",
                        "--port",
                        Integer.toString(ClusterSettings.PORT))
                .addNewPort()
                .withName("http")
                .withContainerPort(ClusterSettings.PORT)
                .withProtocol("TCP")
                .endPort()
                .withResources(resources(settings))
                // Startup covers loading PyTorch and the model; liveness then only catches a wedged server.
                .withStartupProbe(probe("/v2/health/live", 5, 60))
                .withReadinessProbe(probe("/v2/health/ready", 5, 3))
                .withLivenessProbe(probe("/v2/health/live", 10, 3))
                .withSecurityContext(new SecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withAllowPrivilegeEscalation(false)
                        .withNewCapabilities()
                        .withDrop("ALL")
                        .endCapabilities()
                        .build());
        if (mountModel) {
            container.withVolumeMounts(modelMount(settings));
        }
        return container.build();
    }

    static PodSecurityContext podSecurity() {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(USER)
                .withRunAsGroup(USER)
                .withFsGroup(USER)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build();
    }

    static ResourceRequirements resources(ClusterSettings settings) {
        ResourceRequirementsBuilder resources = new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity(settings.cpu()))
                .addToRequests("memory", new Quantity(settings.memory()))
                .addToLimits("memory", new Quantity(settings.memory()));
        if (settings.gpus() > 0) {
            Quantity gpus = new Quantity(Integer.toString(settings.gpus()));
            resources.addToRequests(GPU, gpus).addToLimits(GPU, gpus);
        }
        return resources.build();
    }

    static Map<String, String> labels(String name, String track) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME_LABEL, name);
        labels.put("app.kubernetes.io/component", "model-server");
        labels.put("app.kubernetes.io/managed-by", "fermion");
        if (track != null) {
            labels.put(TRACK_LABEL, track);
        }
        return labels;
    }

    static Map<String, String> annotations(ClusterSettings settings) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(VERSION_LABEL, settings.version());
        annotations.putAll(modelAnnotations(settings));
        annotations.put(SETTINGS_ANNOTATION, toJson(settings));
        return annotations;
    }

    /**
     * Where the model is read from and, when known, its content digest; on the pod template too, so new
     * content behind the same URI still starts new pods, which read it.
     */
    private static Map<String, String> modelAnnotations(ClusterSettings settings) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(MODEL_URI_ANNOTATION, settings.modelUri());
        if (settings.modelDigest() != null) {
            annotations.put(MODEL_DIGEST_ANNOTATION, settings.modelDigest());
        }
        return annotations;
    }

    static String toJson(ClusterSettings settings) {
        try {
            return JSON.writeValueAsString(settings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the settings of '" + settings.name() + "' as JSON", e);
        }
    }

    static ClusterSettings fromJson(String json, String where) {
        try {
            return JSON.readValue(json, ClusterSettings.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "The settings recorded on " + where + " are unreadable: " + e.getMessage(), e);
        }
    }

    private static Container storageInitializer(ClusterSettings settings) {
        ContainerBuilder init = new ContainerBuilder()
                .withName("storage-initializer")
                .withImage(settings.storageInitializerImage())
                .withArgs(settings.modelUri(), ClusterSettings.MODEL_DIR)
                .withVolumeMounts(new VolumeMountBuilder()
                        .withName(MODEL_VOLUME)
                        .withMountPath(ClusterSettings.MODEL_DIR)
                        .build())
                .withResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("100m"))
                        .addToRequests("memory", new Quantity("256Mi"))
                        .addToLimits("memory", new Quantity("1Gi"))
                        .build())
                .withSecurityContext(new SecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withAllowPrivilegeEscalation(false)
                        .withNewCapabilities()
                        .withDrop("ALL")
                        .endCapabilities()
                        .build());
        if (settings.storageSecret() != null) {
            init.addNewEnvFrom()
                    .withNewSecretRef()
                    .withName(settings.storageSecret())
                    .endSecretRef()
                    .endEnvFrom();
        }
        return init.build();
    }

    private static Volume modelVolume(ClusterSettings settings) {
        String configMap = ModelConfigMaps.nameIn(settings.modelUri());
        if (configMap != null) {
            return new VolumeBuilder()
                    .withName(MODEL_VOLUME)
                    .withNewConfigMap()
                    .withName(configMap)
                    .endConfigMap()
                    .build();
        }
        if (!settings.modelUri().startsWith(PVC)) {
            return new VolumeBuilder()
                    .withName(MODEL_VOLUME)
                    .withNewEmptyDir()
                    .endEmptyDir()
                    .build();
        }
        String claim = settings.modelUri().substring(PVC.length()).split("/", 2)[0];
        return new VolumeBuilder()
                .withName(MODEL_VOLUME)
                .withNewPersistentVolumeClaim()
                .withClaimName(claim)
                .withReadOnly(true)
                .endPersistentVolumeClaim()
                .build();
    }

    private static VolumeMount modelMount(ClusterSettings settings) {
        VolumeMountBuilder mount = new VolumeMountBuilder()
                .withName(MODEL_VOLUME)
                .withMountPath(ClusterSettings.MODEL_DIR)
                .withReadOnly(true);
        if (settings.modelUri().startsWith(PVC)) {
            String[] parts = settings.modelUri().substring(PVC.length()).split("/", 2);
            if (parts.length == 2 && !parts[1].isEmpty()) {
                mount.withSubPath(parts[1].replaceAll("/+$", ""));
            }
        }
        return mount.build();
    }

    private static Probe probe(String path, int period, int failures) {
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath(path)
                .withPort(new IntOrString("http"))
                .endHttpGet()
                .withPeriodSeconds(period)
                .withFailureThreshold(failures)
                .withTimeoutSeconds(3)
                .build();
    }

    private static PolicyRule rule(String group, String resource, List<String> verbs) {
        return new PolicyRuleBuilder()
                .withApiGroups(group)
                .withResources(resource)
                .withVerbs(verbs)
                .build();
    }
}
