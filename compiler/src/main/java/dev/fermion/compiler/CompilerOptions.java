package dev.fermion.compiler;

import dev.fermion.contract.ImageMap;
import dev.fermion.contract.RuntimeImage;
import java.util.Objects;

/**
 * Cluster-specific settings of a compilation.
 *
 * @param registry              image registry, e.g. {@code ghcr.io/fermion-ml}
 * @param repository            runtime image repository for CPU steps
 * @param tag                   runtime image tag; defaults to the Fermion version
 * @param gpuRepository         runtime image repository for steps that ask for GPUs
 * @param namespace             namespace written into the resource's metadata; null for none
 * @param serviceAccount        service account of every pod unless a step sets its own; null for the default
 * @param artifactRepositoryRef {@code CONFIGMAP} or {@code CONFIGMAP/KEY} naming the artifact repository; null
 *                              for the namespace's default repository
 * @param cacheConfigMap        the ConfigMap Argo keeps memoized step results in
 * @param mlflow                where the pods track to; null for a workflow without tracking
 * @param images                images replaced by others wherever the compiler writes an image, e.g. a registry
 *                              the cluster can reach for one it cannot (the same mapping as {@code fermion run --image})
 */
public record CompilerOptions(
        String registry,
        String repository,
        String tag,
        String gpuRepository,
        String namespace,
        String serviceAccount,
        String artifactRepositoryRef,
        String cacheConfigMap,
        MlflowSettings mlflow,
        ImageMap images) {

    public static final String DEFAULT_CACHE_CONFIG_MAP = "fermion-cache";

    public CompilerOptions {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(gpuRepository, "gpuRepository");
        Objects.requireNonNull(cacheConfigMap, "cacheConfigMap");
        images = images == null ? ImageMap.NONE : images;
    }

    public static CompilerOptions defaults() {
        return new CompilerOptions(
                RuntimeImage.DEFAULT_REGISTRY,
                RuntimeImage.DEFAULT_REPOSITORY,
                RuntimeImage.fermionVersion(),
                RuntimeImage.DEFAULT_GPU_REPOSITORY,
                null,
                null,
                null,
                DEFAULT_CACHE_CONFIG_MAP,
                null,
                ImageMap.NONE);
    }

    public CompilerOptions withRegistry(String value) {
        return new CompilerOptions(
                value,
                repository,
                tag,
                gpuRepository,
                namespace,
                serviceAccount,
                artifactRepositoryRef,
                cacheConfigMap,
                mlflow,
                images);
    }

    public CompilerOptions withRepository(String value) {
        return new CompilerOptions(
                registry,
                value,
                tag,
                gpuRepository,
                namespace,
                serviceAccount,
                artifactRepositoryRef,
                cacheConfigMap,
                mlflow,
                images);
    }

    public CompilerOptions withTag(String value) {
        return new CompilerOptions(
                registry,
                repository,
                value,
                gpuRepository,
                namespace,
                serviceAccount,
                artifactRepositoryRef,
                cacheConfigMap,
                mlflow,
                images);
    }

    public CompilerOptions withGpuRepository(String value) {
        return new CompilerOptions(
                registry,
                repository,
                tag,
                value,
                namespace,
                serviceAccount,
                artifactRepositoryRef,
                cacheConfigMap,
                mlflow,
                images);
    }

    public CompilerOptions withNamespace(String value) {
        return new CompilerOptions(
                registry,
                repository,
                tag,
                gpuRepository,
                value,
                serviceAccount,
                artifactRepositoryRef,
                cacheConfigMap,
                mlflow,
                images);
    }

    public CompilerOptions withServiceAccount(String value) {
        return new CompilerOptions(
                registry,
                repository,
                tag,
                gpuRepository,
                namespace,
                value,
                artifactRepositoryRef,
                cacheConfigMap,
                mlflow,
                images);
    }

    public CompilerOptions withArtifactRepositoryRef(String value) {
        return new CompilerOptions(
                registry,
                repository,
                tag,
                gpuRepository,
                namespace,
                serviceAccount,
                value,
                cacheConfigMap,
                mlflow,
                images);
    }

    public CompilerOptions withCacheConfigMap(String value) {
        return new CompilerOptions(
                registry,
                repository,
                tag,
                gpuRepository,
                namespace,
                serviceAccount,
                artifactRepositoryRef,
                value,
                mlflow,
                images);
    }

    public CompilerOptions withMlflow(MlflowSettings value) {
        return new CompilerOptions(
                registry,
                repository,
                tag,
                gpuRepository,
                namespace,
                serviceAccount,
                artifactRepositoryRef,
                cacheConfigMap,
                value,
                images);
    }

    public CompilerOptions withImages(ImageMap value) {
        return new CompilerOptions(
                registry,
                repository,
                tag,
                gpuRepository,
                namespace,
                serviceAccount,
                artifactRepositoryRef,
                cacheConfigMap,
                mlflow,
                value);
    }

    /**
     * Java steps that ask for no GPU and name no image of their own run {@code name} instead of the CPU runtime
     * image, e.g. a user's image built on it with {@code fermion image build}, which holds the user's classes.
     * Set the registry and tag first: this replaces the CPU runtime image they name.
     *
     * @throws IllegalArgumentException when {@code name} is not an image reference with a tag
     */
    public CompilerOptions withRuntimeImage(String name) {
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (colon <= slash || colon == name.length() - 1 || !name.matches("[A-Za-z0-9][A-Za-z0-9._/:@-]*")) {
            throw new IllegalArgumentException("runtime image '" + name + "' must be [REGISTRY/]REPOSITORY:TAG, "
                    + "e.g. registry.example.com/ml/orders:1.0.0");
        }
        java.util.Map<String, String> replaced = new java.util.TreeMap<>(images.replacements());
        replaced.put(runtimeImage(false), name);
        return withImages(new ImageMap(replaced));
    }

    /** The runtime image for CPU steps or, with {@code gpu}, for GPU steps, after {@link #images()}. */
    public String image(boolean gpu) {
        return images.apply(runtimeImage(gpu));
    }

    private String runtimeImage(boolean gpu) {
        return RuntimeImage.name(registry, gpu ? gpuRepository : repository, tag);
    }
}
