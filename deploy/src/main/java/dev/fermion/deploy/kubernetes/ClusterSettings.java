package dev.fermion.deploy.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.fermion.deploy.DeployNames;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a model server in a cluster is: every value the manifests are built from. Checked on construction,
 * so a manifest never carries a value Kubernetes would reject or read as something else; the manifests are
 * built from fabric8's typed model objects, so no value is ever spliced into YAML text.
 *
 * @param modelUri               where the pod reads the bundle: {@code pvc://CLAIM/PATH} mounts a volume
 *                               claim, {@code configmap://NAME} mounts the ConfigMap the rollout created with
 *                               the bundle's files (small models, see {@link ModelConfigMaps#of}),
 *                               any other scheme ({@code s3://}, {@code gs://}, {@code https://}) is
 *                               downloaded by the storage initializer, as KServe does
 * @param modelDigest            the bundle's {@link dev.fermion.deploy.ModelDigest}, which tells an unchanged
 *                               model from a new one behind the same URI; null when unknown (manifests fixed
 *                               at compile time), and then no rollout is taken for up to date
 * @param storageSecret          a Secret whose keys the storage initializer gets as environment variables
 *                               (credentials of the store); null for none
 * @param cpuTargetPercent       average CPU utilisation the autoscaler keeps the pods at
 * @param canaryPercent          0 for a full rollout; 1 to 99 sends about that share of requests to this
 *                               version while the current one keeps the rest
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterSettings(
        String name,
        String version,
        String namespace,
        String image,
        String modelUri,
        String modelDigest,
        String storageSecret,
        String storageInitializerImage,
        int replicas,
        int maxReplicas,
        String cpu,
        String memory,
        int gpus,
        int cpuTargetPercent,
        int canaryPercent) {
    public static final int PORT = 8080;
    public static final String MODEL_DIR = "/mnt/models";
    public static final String DEFAULT_STORAGE_INITIALIZER = "kserve/storage-initializer:v0.15.2";
    private static final Pattern QUANTITY = Pattern.compile("[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?");
    private static final Pattern URI = Pattern.compile("[a-z][a-z0-9+.-]*://[^\\s]+");
    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-zA-Z0-9._/:@-]*");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern CONFIG_MAP = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    public ClusterSettings {
        DeployNames.name(name);
        DeployNames.version(version);
        DeployNames.name(Objects.requireNonNull(namespace, "namespace"));
        check(image != null && IMAGE.matcher(image).matches(), "image '" + image + "' is not an image reference");
        check(
                storageInitializerImage != null
                        && IMAGE.matcher(storageInitializerImage).matches(),
                "storage initializer image '" + storageInitializerImage + "' is not an image reference");
        check(
                modelUri != null && URI.matcher(modelUri).matches(),
                "model URI '" + modelUri + "' is not a URI "
                        + "the cluster can read, such as s3://bucket/models/iris/3 or pvc://models/iris/3");
        check(
                !modelUri.startsWith("pvc://") || (modelUri.length() > "pvc://".length() && !modelUri.contains("..")),
                "model URI '" + modelUri + "' names no volume claim: write pvc://CLAIM/PATH");
        check(
                !modelUri.startsWith(ModelConfigMaps.URI_PREFIX)
                        || (CONFIG_MAP
                                        .matcher(modelUri.substring(ModelConfigMaps.URI_PREFIX.length()))
                                        .matches()
                                && modelUri.length() - ModelConfigMaps.URI_PREFIX.length() <= 253),
                "model URI '" + modelUri + "' names no ConfigMap: write configmap://NAME");
        check(
                modelDigest == null || DIGEST.matcher(modelDigest).matches(),
                "model digest '" + modelDigest + "' is not sha256:<64 hex digits>");
        if (storageSecret != null) {
            DeployNames.name(storageSecret);
        }
        check(replicas >= 1, "replicas must be at least 1, got " + replicas);
        check(
                maxReplicas >= replicas,
                "max-replicas (" + maxReplicas + ") must be at least replicas (" + replicas + ")");
        check(cpu != null && QUANTITY.matcher(cpu).matches(), "cpu '" + cpu + "' is not a quantity such as 500m or 2");
        check(
                memory != null && QUANTITY.matcher(memory).matches(),
                "memory '" + memory + "' is not a quantity such as 512Mi or 2Gi");
        check(gpus >= 0, "gpus must not be negative, got " + gpus);
        check(
                cpuTargetPercent >= 1 && cpuTargetPercent <= 100,
                "cpu-target-percent must be from 1 to 100, got " + cpuTargetPercent);
        check(
                canaryPercent >= 0 && canaryPercent < 100,
                "canary-percent must be from 0 (full rollout) to 99, got " + canaryPercent);
    }

    /** Settings of a model whose content is not known here, such as manifests fixed at compile time. */
    public ClusterSettings(
            String name,
            String version,
            String namespace,
            String image,
            String modelUri,
            String storageSecret,
            String storageInitializerImage,
            int replicas,
            int maxReplicas,
            String cpu,
            String memory,
            int gpus,
            int cpuTargetPercent,
            int canaryPercent) {
        this(
                name,
                version,
                namespace,
                image,
                modelUri,
                null,
                storageSecret,
                storageInitializerImage,
                replicas,
                maxReplicas,
                cpu,
                memory,
                gpus,
                cpuTargetPercent,
                canaryPercent);
    }

    /** The same server as a full rollout: what a canary becomes when promoted, and what rollback restores. */
    public ClusterSettings fullRollout() {
        return new ClusterSettings(
                name,
                version,
                namespace,
                image,
                modelUri,
                modelDigest,
                storageSecret,
                storageInitializerImage,
                replicas,
                maxReplicas,
                cpu,
                memory,
                gpus,
                cpuTargetPercent,
                0);
    }

    /**
     * Whether a server built from {@code other} is the one these settings build: the same model content and
     * every setting alike, whatever the version each was deployed as. Never when the content is unknown.
     */
    public boolean sameServer(ClusterSettings other) {
        return modelDigest != null
                && equals(new ClusterSettings(
                        other.name,
                        version,
                        other.namespace,
                        other.image,
                        other.modelUri,
                        other.modelDigest,
                        other.storageSecret,
                        other.storageInitializerImage,
                        other.replicas,
                        other.maxReplicas,
                        other.cpu,
                        other.memory,
                        other.gpus,
                        other.cpuTargetPercent,
                        other.canaryPercent));
    }

    public boolean canary() {
        return canaryPercent > 0;
    }

    /** The replicas of a canary beside {@code stable} replicas, so that its share of pods is about the percent. */
    public int canaryReplicas(int stable) {
        return Math.max(1, (int) Math.round(stable * canaryPercent / (100.0 - canaryPercent)));
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
