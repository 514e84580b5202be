package dev.fermion.compiler;

import dev.fermion.compiler.argo.Metadata;
import dev.fermion.plan.NodeAffinity;
import dev.fermion.plan.SecretRef;
import dev.fermion.plan.StepOptions;
import dev.fermion.plan.VolumeMount;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTermBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns {@link StepOptions} into Kubernetes pod settings, and gathers what Argo only accepts once per
 * workflow: volumes (declared in {@code spec.volumes} and mounted by the steps that use them) and image pull
 * secrets. Every user-written string that is not a parameter value is checked: Argo would evaluate a
 * {@code {{...}}} anywhere in the workflow, and such text cannot be armoured where Kubernetes, not the
 * launcher, reads it (env values, labels, annotations, images, selectors), so it is rejected.
 *
 * <p>Kept in one class, though long, because every pod setting passes the same injection check and the
 * workflow-wide volume and pull-secret registries; split, a new setting could skip the check unnoticed.
 */
final class PodResources {
    private static final String NAME = "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?";
    private static final Pattern LABEL_KEY =
            Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?" + NAME);
    private static final Pattern LABEL_VALUE = Pattern.compile("(" + NAME + ")?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final Map<String, Volume> volumes = new TreeMap<>();
    private final TreeSet<String> pullSecrets = new TreeSet<>();
    private final List<EnvVar> tracking;

    /** @param tracking the variables every step gets for MLflow tracking ({@link MlflowSettings#env}) */
    PodResources(List<EnvVar> tracking) {
        this.tracking = List.copyOf(tracking);
    }

    /** {@code value} unchanged, or an error if Argo could read part of it as an expression. */
    static String plain(String value, String what) {
        if (value != null && (value.contains("{{") || value.contains("}}"))) {
            throw new IllegalArgumentException("The " + what + " '" + value + "' contains '{{' or '}}', which Argo "
                    + "would evaluate as an expression; remove the braces (pass such text as a step input instead)");
        }
        return value;
    }

    List<EnvVar> env(StepOptions o, String where) {
        List<EnvVar> env = new ArrayList<>();
        new TreeMap<>(o.env())
                .forEach((name, value) -> env.add(new EnvVar(
                        name, plain(value, "value of environment variable " + name + " of " + where), null)));
        new TreeMap<>(o.secretEnv()).forEach((name, ref) -> env.add(secretEnv(name, ref)));
        // A step that sets a tracking variable itself keeps its own value.
        tracking.stream()
                .filter(t -> !o.env().containsKey(t.getName()) && !o.secretEnv().containsKey(t.getName()))
                .forEach(env::add);
        return env;
    }

    /** A variable filled by the kubelet from the Secret; the workflow only names the Secret and key. */
    private static EnvVar secretEnv(String name, SecretRef ref) {
        return new EnvVarBuilder()
                .withName(name)
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName(ref.secret())
                .withKey(ref.key())
                .endSecretKeyRef()
                .endValueFrom()
                .build();
    }

    ResourceRequirements resources(StepOptions o) {
        Map<String, Quantity> requests = new LinkedHashMap<>();
        Map<String, Quantity> limits = new LinkedHashMap<>();
        put(requests, "cpu", o.cpuRequest());
        put(requests, "memory", o.memoryRequest());
        put(limits, "cpu", o.cpuLimit());
        put(limits, "memory", o.memoryLimit());
        if (o.wantsGpu()) {
            put(limits, "nvidia.com/gpu", Integer.toString(o.gpus()));
        }
        if (requests.isEmpty() && limits.isEmpty()) {
            return null;
        }
        return new ResourceRequirementsBuilder()
                .withRequests(requests)
                .withLimits(limits)
                .build();
    }

    private static void put(Map<String, Quantity> into, String resource, String amount) {
        if (amount != null) {
            into.put(resource, new Quantity(amount));
        }
    }

    List<io.fabric8.kubernetes.api.model.VolumeMount> mounts(StepOptions o, String where) {
        List<io.fabric8.kubernetes.api.model.VolumeMount> mounts = new ArrayList<>();
        for (VolumeMount mount : o.volumes()) {
            volume(mount).ifPresent(volume -> declare(mount.volumeName(), volume, where));
            mounts.add(new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                    .withName(mount.volumeName())
                    .withMountPath(plain(mount.mountPath(), "mount path of " + where))
                    .withReadOnly(mount.readOnly() ? Boolean.TRUE : null)
                    .build());
        }
        return mounts;
    }

    /**
     * The claims a step mounts by a name known only at run time. Argo resolves {@code {{...}}} in a
     * template's own volumes, so each becomes a template volume whose claim name is the template input of
     * the same name as the volume; the task passes the value in.
     */
    static List<VolumeMount.ClaimFromValue> runtimeClaims(StepOptions o) {
        return o.volumes().stream()
                .flatMap(v -> claimFromValue(v).stream())
                .distinct()
                .toList();
    }

    static List<Volume> runtimeClaimVolumes(StepOptions o) {
        return runtimeClaims(o).stream()
                .map(c -> new VolumeBuilder()
                        .withName(c.volumeName())
                        .withNewPersistentVolumeClaim()
                        .withClaimName("{{inputs.parameters." + c.volumeName() + "}}")
                        .endPersistentVolumeClaim()
                        .build())
                .toList();
    }

    private void declare(String name, Volume volume, String where) {
        Volume existing = volumes.putIfAbsent(name, volume);
        if (existing != null && !existing.equals(volume)) {
            throw new IllegalArgumentException("Volume '" + name + "' of " + where + " is declared "
                    + "differently by another step; a workflow has one volume per name, so give the two volumes "
                    + "different names or the same settings");
        }
    }

    /**
     * The workflow-level volume of a mount whose source is known when compiling; a claim named at run time has
     * none ({@link #runtimeClaimVolumes} makes it a template volume instead).
     */
    private static Optional<Volume> volume(VolumeMount mount) {
        VolumeBuilder b = new VolumeBuilder().withName(mount.volumeName());
        return mount.accept(new VolumeMount.Visitor<Optional<VolumeBuilder>>() {
                    @Override
                    public Optional<VolumeBuilder> persistentClaim(VolumeMount.PersistentClaim pvc) {
                        return Optional.of(b.withNewPersistentVolumeClaim()
                                .withClaimName(pvc.claimName())
                                .endPersistentVolumeClaim());
                    }

                    @Override
                    public Optional<VolumeBuilder> secret(VolumeMount.SecretVolume secret) {
                        return Optional.of(b.withNewSecret()
                                .withSecretName(secret.secretName())
                                .endSecret());
                    }

                    @Override
                    public Optional<VolumeBuilder> configMap(VolumeMount.ConfigMapVolume configMap) {
                        return Optional.of(
                                b.withNewConfigMap().withName(configMap.name()).endConfigMap());
                    }

                    @Override
                    public Optional<VolumeBuilder> emptyDir(VolumeMount.EmptyDir emptyDir) {
                        return Optional.of(b.withNewEmptyDir()
                                .withMedium(emptyDir.memory() ? "Memory" : null)
                                .withSizeLimit(emptyDir.sizeLimit() == null ? null : new Quantity(emptyDir.sizeLimit()))
                                .endEmptyDir());
                    }

                    @Override
                    public Optional<VolumeBuilder> claimFromValue(VolumeMount.ClaimFromValue claim) {
                        return Optional.empty();
                    }
                })
                .map(VolumeBuilder::build);
    }

    /** The mount's claim when its name is known only at run time. */
    private static Optional<VolumeMount.ClaimFromValue> claimFromValue(VolumeMount mount) {
        return mount.accept(new VolumeMount.Visitor<>() {
            @Override
            public Optional<VolumeMount.ClaimFromValue> persistentClaim(VolumeMount.PersistentClaim claim) {
                return Optional.empty();
            }

            @Override
            public Optional<VolumeMount.ClaimFromValue> secret(VolumeMount.SecretVolume secret) {
                return Optional.empty();
            }

            @Override
            public Optional<VolumeMount.ClaimFromValue> configMap(VolumeMount.ConfigMapVolume configMap) {
                return Optional.empty();
            }

            @Override
            public Optional<VolumeMount.ClaimFromValue> emptyDir(VolumeMount.EmptyDir emptyDir) {
                return Optional.empty();
            }

            @Override
            public Optional<VolumeMount.ClaimFromValue> claimFromValue(VolumeMount.ClaimFromValue claim) {
                return Optional.of(claim);
            }
        });
    }

    Metadata metadata(StepOptions o, String where) {
        Map<String, String> labels = new TreeMap<>();
        o.labels().forEach((key, value) -> {
            if (!LABEL_KEY.matcher(key).matches()
                    || key.substring(key.indexOf('/') + 1).length() > 63) {
                throw new IllegalArgumentException(
                        "Label key '" + key + "' of " + where + " is not a valid Kubernetes "
                                + "label key: use an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'");
            }
            if (!LABEL_VALUE.matcher(value).matches() || value.length() > 63) {
                throw new IllegalArgumentException("Label '" + key + "' of " + where + " has value '" + value
                        + "', which is not a valid Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', "
                        + "starting and ending with a letter or digit (put free text in an annotation)");
            }
            labels.put(key, value);
        });
        Map<String, String> annotations = new TreeMap<>();
        o.annotations().forEach((key, value) -> {
            if (!LABEL_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException(
                        "Annotation key '" + key + "' of " + where + " is not a valid "
                                + "Kubernetes annotation key: use an optional DNS prefix and '/', then letters, digits, '-', '_' or '.'");
            }
            annotations.put(key, plain(value, "value of annotation " + key + " of " + where));
        });
        if (labels.isEmpty() && annotations.isEmpty()) {
            return null;
        }
        return new Metadata(labels, annotations);
    }

    String serviceAccount(StepOptions o, String where) {
        String account = o.serviceAccount();
        if (account != null && !DNS_SUBDOMAIN.matcher(account).matches()) {
            throw new IllegalArgumentException("Service account '" + account + "' of " + where
                    + " is not a valid Kubernetes name: use lowercase letters, digits, '-' and '.'");
        }
        return account;
    }

    /** Argo takes image pull secrets only for the whole workflow, so every step's secrets are gathered there. */
    void addImagePullSecrets(StepOptions o, String where) {
        for (String secret : o.imagePullSecrets()) {
            if (!DNS_SUBDOMAIN.matcher(secret).matches()) {
                throw new IllegalArgumentException("Image pull secret '" + secret + "' of " + where
                        + " is not a valid Secret name: use lowercase letters, digits, '-' and '.'");
            }
            pullSecrets.add(secret);
        }
    }

    Map<String, String> nodeSelector(StepOptions o, String where) {
        Map<String, String> selector = new TreeMap<>();
        o.nodeSelector()
                .forEach((k, v) -> selector.put(
                        plain(k, "node selector key of " + where), plain(v, "node selector value of " + where)));
        return selector;
    }

    List<Toleration> tolerations(StepOptions o, String where) {
        List<Toleration> tolerations = new ArrayList<>();
        for (dev.fermion.plan.Toleration t : o.tolerations()) {
            tolerations.add(new TolerationBuilder()
                    .withKey(plain(t.key(), "toleration key of " + where))
                    .withOperator(t.operator() == dev.fermion.plan.Toleration.Operator.EXISTS ? "Exists" : "Equal")
                    .withValue(plain(t.value(), "toleration value of " + where))
                    .withEffect(t.effect() == null ? null : effect(t.effect()))
                    .withTolerationSeconds(
                            t.tolerationSeconds() == null
                                    ? null
                                    : t.tolerationSeconds().toSeconds())
                    .build());
        }
        return tolerations;
    }

    private static String effect(dev.fermion.plan.Toleration.Effect effect) {
        return switch (effect) {
            case NO_SCHEDULE -> "NoSchedule";
            case PREFER_NO_SCHEDULE -> "PreferNoSchedule";
            case NO_EXECUTE -> "NoExecute";
        };
    }

    /**
     * Required terms are ANDed into one node selector term (Kubernetes ORs separate terms, and a step that
     * requires two labels means both); each preferred term keeps its own weight.
     */
    Affinity affinity(StepOptions o, String where) {
        if (o.nodeAffinity().isEmpty()) {
            return null;
        }
        List<NodeSelectorRequirement> required = new ArrayList<>();
        List<PreferredSchedulingTerm> preferred = new ArrayList<>();
        for (NodeAffinity term : o.nodeAffinity()) {
            NodeSelectorRequirement requirement = new NodeSelectorRequirementBuilder()
                    .withKey(plain(term.key(), "node affinity key of " + where))
                    .withOperator(operator(term.operator()))
                    .withValues(term.values().stream()
                            .map(v -> plain(v, "node affinity value of " + where))
                            .toList())
                    .build();
            if (term.required()) {
                required.add(requirement);
            } else {
                preferred.add(new PreferredSchedulingTermBuilder()
                        .withWeight(term.weight())
                        .withNewPreference()
                        .withMatchExpressions(requirement)
                        .endPreference()
                        .build());
            }
        }
        var nodeAffinity = new AffinityBuilder().withNewNodeAffinity();
        if (!required.isEmpty()) {
            nodeAffinity
                    .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm()
                    .withMatchExpressions(required)
                    .endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution();
        }
        nodeAffinity.withPreferredDuringSchedulingIgnoredDuringExecution(preferred);
        return nodeAffinity.endNodeAffinity().build();
    }

    private static String operator(NodeAffinity.Operator operator) {
        return switch (operator) {
            case IN -> "In";
            case NOT_IN -> "NotIn";
            case EXISTS -> "Exists";
            case DOES_NOT_EXIST -> "DoesNotExist";
            case GT -> "Gt";
            case LT -> "Lt";
        };
    }

    /**
     * The step's sidecars as containers of its pod, under the same security settings as the step's own
     * container; the DSL has checked that no field holds an Argo tag.
     */
    static List<io.fabric8.kubernetes.api.model.Container> sidecars(
            StepOptions o, java.util.function.UnaryOperator<String> images) {
        List<io.fabric8.kubernetes.api.model.Container> sidecars = new ArrayList<>();
        for (dev.fermion.plan.Sidecar sidecar : o.sidecars()) {
            List<EnvVar> env = new ArrayList<>();
            new TreeMap<>(sidecar.env()).forEach((name, value) -> env.add(new EnvVar(name, value, null)));
            sidecars.add(new io.fabric8.kubernetes.api.model.ContainerBuilder()
                    .withName(sidecar.name())
                    .withImage(images.apply(sidecar.image()))
                    .withCommand(sidecar.command())
                    .withArgs(sidecar.args())
                    .withEnv(env)
                    .withPorts(sidecar.ports().stream()
                            .map(port -> new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                                    .withContainerPort(port)
                                    .build())
                            .toList())
                    .withSecurityContext(ContainerTemplates.containerSecurity())
                    .build());
        }
        return sidecars;
    }

    List<Volume> volumes() {
        return List.copyOf(volumes.values());
    }

    List<LocalObjectReference> imagePullSecrets() {
        return pullSecrets.stream().map(LocalObjectReference::new).toList();
    }
}
