package dev.fermion.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How and where a step runs on the cluster. Every field is optional: {@code null} or empty means "not set",
 * so pipeline-level defaults and per-step settings combine with {@link #overriddenBy}. {@code imageFrom}: the
 * image as a value known at run time (a parameter, an output), instead of {@code image}.
 */
public record StepOptions(
        String cpuRequest,
        String cpuLimit,
        String memoryRequest,
        String memoryLimit,
        Integer gpus,
        Map<String, String> nodeSelector,
        List<Toleration> tolerations,
        List<NodeAffinity> nodeAffinity,
        Map<String, String> env,
        Map<String, SecretRef> secretEnv,
        List<VolumeMount> volumes,
        String serviceAccount,
        String image,
        List<String> imagePullSecrets,
        Retry retry,
        Duration timeout,
        CachePolicy cache,
        Map<String, String> labels,
        Map<String, String> annotations,
        Expr imageFrom,
        List<Sidecar> sidecars) {

    public static final StepOptions NONE = new StepOptions(
            null, null, null, null, null, Map.of(), List.of(), List.of(), Map.of(), Map.of(), List.of(), null, null,
            List.of(), null, null, null, Map.of(), Map.of(), null, List.of());

    public StepOptions {
        nodeSelector = Map.copyOf(nodeSelector);
        tolerations = List.copyOf(tolerations);
        nodeAffinity = List.copyOf(nodeAffinity);
        env = Map.copyOf(env);
        secretEnv = Map.copyOf(secretEnv);
        volumes = List.copyOf(volumes);
        imagePullSecrets = List.copyOf(imagePullSecrets);
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        sidecars = List.copyOf(sidecars);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Sidecar sidecar : sidecars) {
            if (!names.add(sidecar.name())) {
                throw new IllegalArgumentException(
                        "two sidecars are named '" + sidecar.name() + "': give each its own name");
            }
        }
    }

    /**
     * These options with every setting of {@code override} taking precedence; maps merge, lists append. An
     * image given either way ({@link #image} or {@link #imageFrom}) replaces the other way's.
     */
    public StepOptions overriddenBy(StepOptions override) {
        if (override.equals(NONE)) {
            return this; // what the merge below gives; most steps set nothing of their own
        }
        boolean newImage = override.image != null || override.imageFrom != null;
        return new StepOptions(
                pick(override.cpuRequest, cpuRequest),
                pick(override.cpuLimit, cpuLimit),
                pick(override.memoryRequest, memoryRequest),
                pick(override.memoryLimit, memoryLimit),
                pick(override.gpus, gpus),
                merge(nodeSelector, override.nodeSelector),
                append(tolerations, override.tolerations),
                append(nodeAffinity, override.nodeAffinity),
                merge(env, override.env),
                merge(secretEnv, override.secretEnv),
                append(volumes, override.volumes),
                pick(override.serviceAccount, serviceAccount),
                newImage ? override.image : image,
                append(imagePullSecrets, override.imagePullSecrets),
                pick(override.retry, retry),
                pick(override.timeout, timeout),
                pick(override.cache, cache),
                merge(labels, override.labels),
                merge(annotations, override.annotations),
                newImage ? override.imageFrom : imageFrom,
                append(sidecars, override.sidecars));
    }

    /** These options with their timeout cut to {@code limit} when that is sooner: for runners with a deadline. */
    public StepOptions limitedTo(Duration limit) {
        return timeout != null && timeout.compareTo(limit) <= 0 ? this : copy(b -> b.timeout = limit);
    }

    /** These options with the image {@link #imageFrom} names once its value is known: for runners. */
    public StepOptions withResolvedImage(String reference) {
        return copy(b -> {
            b.image = reference;
            b.imageFrom = null;
        });
    }

    public boolean cachingEnabled() {
        return cache != null && cache.enabled();
    }

    public boolean wantsGpu() {
        return gpus != null && gpus > 0;
    }

    public StepOptions withCpu(String request, String limit) {
        return copy(b -> {
            b.cpuRequest = request;
            b.cpuLimit = limit;
        });
    }

    public StepOptions withMemory(String request, String limit) {
        return copy(b -> {
            b.memoryRequest = request;
            b.memoryLimit = limit;
        });
    }

    public StepOptions withGpus(int count) {
        return copy(b -> b.gpus = count);
    }

    public StepOptions withNodeSelector(String key, String value) {
        return copy(b -> b.nodeSelector = merge(nodeSelector, Map.of(key, value)));
    }

    public StepOptions withToleration(Toleration toleration) {
        return copy(b -> b.tolerations = append(tolerations, List.of(toleration)));
    }

    public StepOptions withNodeAffinity(NodeAffinity affinity) {
        return copy(b -> b.nodeAffinity = append(nodeAffinity, List.of(affinity)));
    }

    public StepOptions withEnv(String name, String value) {
        return copy(b -> b.env = merge(env, Map.of(name, value)));
    }

    public StepOptions withSecretEnv(String name, SecretRef ref) {
        return copy(b -> b.secretEnv = merge(secretEnv, Map.of(name, ref)));
    }

    public StepOptions withVolume(VolumeMount volume) {
        return copy(b -> b.volumes = append(volumes, List.of(volume)));
    }

    public StepOptions withServiceAccount(String name) {
        return copy(b -> b.serviceAccount = name);
    }

    public StepOptions withImage(String reference) {
        return copy(b -> {
            b.image = reference;
            b.imageFrom = null;
        });
    }

    public StepOptions withImageFrom(Expr reference) {
        return copy(b -> {
            b.imageFrom = reference;
            b.image = null;
        });
    }

    public StepOptions withImagePullSecret(String name) {
        return copy(b -> b.imagePullSecrets = append(imagePullSecrets, List.of(name)));
    }

    public StepOptions withSidecar(Sidecar sidecar) {
        return copy(b -> b.sidecars = append(sidecars, List.of(sidecar)));
    }

    public StepOptions withRetry(Retry value) {
        return copy(b -> b.retry = value);
    }

    public StepOptions withTimeout(Duration value) {
        return copy(b -> b.timeout = value);
    }

    public StepOptions withCache(CachePolicy value) {
        return copy(b -> b.cache = value);
    }

    public StepOptions withLabel(String key, String value) {
        return copy(b -> b.labels = merge(labels, Map.of(key, value)));
    }

    public StepOptions withAnnotation(String key, String value) {
        return copy(b -> b.annotations = merge(annotations, Map.of(key, value)));
    }

    private StepOptions copy(Consumer<Mutable> edit) {
        Mutable m = new Mutable(this);
        edit.accept(m);
        return m.build();
    }

    private static <T> T pick(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }

    private static <K, V> Map<K, V> merge(Map<K, V> base, Map<K, V> override) {
        Map<K, V> merged = new LinkedHashMap<>(base);
        merged.putAll(override);
        return merged;
    }

    private static <T> List<T> append(List<T> base, List<T> more) {
        List<T> all = new ArrayList<>(base);
        more.stream().filter(m -> !all.contains(m)).forEach(all::add);
        return all;
    }

    /** Scratch state for the withers above; records have no copy-with of their own. */
    private static final class Mutable {
        String cpuRequest, cpuLimit, memoryRequest, memoryLimit, serviceAccount, image;
        Integer gpus;
        Map<String, String> nodeSelector, env, labels, annotations;
        Map<String, SecretRef> secretEnv;
        List<Toleration> tolerations;
        List<NodeAffinity> nodeAffinity;
        List<VolumeMount> volumes;
        List<String> imagePullSecrets;
        Retry retry;
        Duration timeout;
        CachePolicy cache;
        Expr imageFrom;
        List<Sidecar> sidecars;

        Mutable(StepOptions o) {
            cpuRequest = o.cpuRequest;
            cpuLimit = o.cpuLimit;
            memoryRequest = o.memoryRequest;
            memoryLimit = o.memoryLimit;
            gpus = o.gpus;
            nodeSelector = o.nodeSelector;
            tolerations = o.tolerations;
            nodeAffinity = o.nodeAffinity;
            env = o.env;
            secretEnv = o.secretEnv;
            volumes = o.volumes;
            serviceAccount = o.serviceAccount;
            image = o.image;
            imagePullSecrets = o.imagePullSecrets;
            retry = o.retry;
            timeout = o.timeout;
            cache = o.cache;
            labels = o.labels;
            annotations = o.annotations;
            imageFrom = o.imageFrom;
            sidecars = o.sidecars;
        }

        StepOptions build() {
            return new StepOptions(
                    cpuRequest,
                    cpuLimit,
                    memoryRequest,
                    memoryLimit,
                    gpus,
                    nodeSelector,
                    tolerations,
                    nodeAffinity,
                    env,
                    secretEnv,
                    volumes,
                    serviceAccount,
                    image,
                    imagePullSecrets,
                    retry,
                    timeout,
                    cache,
                    labels,
                    annotations,
                    imageFrom,
                    sidecars);
        }
    }
}
