package dev.fermion.deploy.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Models carried to a model server's pods in a ConfigMap of its namespace, for a cluster that reads no model store:
 * how such a ConfigMap is named, built from a bundle's files, and named by a model URI {@code configmap://NAME}.
 */
public final class ModelConfigMaps {
    /** The model URI of a bundle carried in a ConfigMap of the namespace: {@code configmap://NAME}. */
    public static final String URI_PREFIX = "configmap://";
    /** Marks the ConfigMaps that carry models, with the deployment's name as the value. */
    public static final String MODEL_OF_LABEL = "fermion.dev/model-of";
    /**
     * The most bundle bytes a ConfigMap carries: Kubernetes refuses ConfigMaps over 1 MiB of data, and this leaves
     * room for the object's names and labels.
     */
    public static final long LIMIT = 1024 * 1024 - 16 * 1024;

    private ModelConfigMaps() {}

    /**
     * The ConfigMap {@code <name>-model-<first 12 hex digits of digest>} for a model deployed without a store: named
     * by the content, so an unchanged model finds its ConfigMap in place, and immutable, so the kubelet never
     * watches it and no pod sees it change.
     */
    public static String name(String name, String modelDigest) {
        String hex = modelDigest.substring(modelDigest.indexOf(':') + 1);
        return name + "-model-" + hex.substring(0, 12);
    }

    /**
     * The ConfigMap that carries the files of {@code bundle} to the pods of {@code settings}, whose model URI is
     * {@code configmap://NAME}: one key per file (a bundle has no sub-directories), which the pods mount read-only
     * at {@value ClusterSettings#MODEL_DIR}.
     *
     * @throws IllegalArgumentException when the bundle is larger than a ConfigMap holds, or has sub-directories
     */
    public static ConfigMap of(ClusterSettings settings, Path bundle) {
        String name = settings.modelUri().substring(URI_PREFIX.length());
        Map<String, String> files = new TreeMap<>();
        long total = 0;
        try (Stream<Path> entries = Files.list(bundle)) {
            for (Path file : entries.sorted().toList()) {
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("Model bundle " + bundle + " holds " + file.getFileName()
                            + ", which is not a file; a ConfigMap carries only a flat directory of files: publish the "
                            + "bundle where the cluster reads it and give 'model-uri'");
                }
                byte[] bytes = Files.readAllBytes(file);
                total += bytes.length;
                if (total > LIMIT) {
                    throw new IllegalArgumentException(
                            "Model bundle " + bundle + " is over " + LIMIT / 1024
                                    + " KiB, more than a ConfigMap carries to the model server's pods: publish it where the "
                                    + "cluster reads it (s3://, gs://, https:// or a volume claim) and give that as 'model-uri'");
                }
                files.put(file.getFileName().toString(), Base64.getEncoder().encodeToString(bytes));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model bundle " + bundle, e);
        }
        Map<String, String> labels = new LinkedHashMap<>(KubernetesDeployment.labels(settings.name(), null));
        labels.put("app.kubernetes.io/component", "model");
        labels.put(MODEL_OF_LABEL, settings.name());
        Map<String, String> annotations = new LinkedHashMap<>();
        if (settings.modelDigest() != null) {
            annotations.put(KubernetesDeployment.MODEL_DIGEST_ANNOTATION, settings.modelDigest());
        }
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(settings.namespace())
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .withImmutable(true)
                .withBinaryData(files)
                .build();
    }

    /** The ConfigMap a model URI names, or null when the model is not carried in one. */
    public static String nameIn(String modelUri) {
        return modelUri.startsWith(URI_PREFIX) ? modelUri.substring(URI_PREFIX.length()) : null;
    }
}
