package dev.fermion.dsl;

import dev.fermion.plan.CachePolicy;
import dev.fermion.plan.Names;
import dev.fermion.plan.NodeAffinity;
import dev.fermion.plan.Retry;
import dev.fermion.plan.SecretRef;
import dev.fermion.plan.Sidecar;
import dev.fermion.plan.StepOptions;
import dev.fermion.plan.Toleration;
import dev.fermion.plan.VolumeMount;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The run settings shared by a step handle and the pipeline-wide defaults, so both read the same:
 * {@code .memory("4Gi").gpus(1).retries(3).timeout(Duration.ofHours(2))}.
 */
public interface Configurable<S extends Configurable<S>> {

    /** Applies one change to the options; the fluent methods below are all expressed through it. */
    S configure(UnaryOperator<StepOptions> change);

    /** CPU request, e.g. {@code "500m"} or {@code "2"}. */
    default S cpu(String request) {
        return configure(o -> o.withCpu(quantity("cpu", request), o.cpuLimit()));
    }

    default S cpu(String request, String limit) {
        return configure(o -> o.withCpu(quantity("cpu", request), quantity("cpu limit", limit)));
    }

    /** Memory request and limit, e.g. {@code "4Gi"}; the same value for both avoids OOM-kills under pressure. */
    default S memory(String amount) {
        return configure(o -> o.withMemory(quantity("memory", amount), amount));
    }

    default S memory(String request, String limit) {
        return configure(o -> o.withMemory(quantity("memory", request), quantity("memory limit", limit)));
    }

    /** {@code nvidia.com/gpu} limit; such steps run on the GPU runtime image. */
    default S gpus(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("gpus must be >= 0, got " + count);
        }
        return configure(o -> o.withGpus(count));
    }

    default S nodeSelector(String label, String value) {
        Names.requirePlain(label, "node selector label");
        Names.requirePlain(value, "node selector value");
        return configure(o -> o.withNodeSelector(label, value));
    }

    default S toleration(Toleration toleration) {
        return configure(o -> o.withToleration(toleration));
    }

    default S affinity(NodeAffinity term) {
        return configure(o -> o.withNodeAffinity(term));
    }

    default S env(String name, String value) {
        java.util.Objects.requireNonNull(value, () -> "environment variable " + name + ": value is null");
        Names.requirePlain(value, "value of environment variable " + name);
        return configure(o -> o.withEnv(envName(name), value));
    }

    /** An environment variable filled from a Kubernetes Secret; the value never appears in the workflow. */
    default S secretEnv(String name, SecretRef secret) {
        return configure(o -> o.withSecretEnv(envName(name), secret));
    }

    default S mount(VolumeMount volume) {
        return configure(o -> o.withVolume(volume));
    }

    default S serviceAccount(String name) {
        if (name == null || !Names.DNS_SUBDOMAIN.matcher(name).matches()) {
            throw new IllegalArgumentException("Service account '" + name + "' is not a valid Kubernetes name: use "
                    + "lowercase letters, digits, '-' and '.'");
        }
        return configure(o -> o.withServiceAccount(name));
    }

    /** Overrides the runtime image for this step (it must contain the Fermion launcher and the component). */
    default S image(String reference) {
        if (reference == null || reference.isBlank() || reference.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("invalid image '" + reference + "': give an image reference such as "
                    + "\"ghcr.io/acme/train:1.2\"");
        }
        Names.requirePlain(reference, "image");
        return configure(o -> o.withImage(reference));
    }

    /**
     * The image as a value known at run time, such as a parameter: {@code .image(p.param("image", "acme/train:1"))}.
     * A step reads it like an input; pipeline-wide defaults take a parameter.
     */
    default S image(Value<String> reference) {
        java.util.Objects.requireNonNull(reference, "image");
        return configure(o -> o.withImageFrom(reference.expr()));
    }

    /** A container running next to the step, e.g. a database it talks to on localhost. */
    default S sidecar(Sidecar sidecar) {
        java.util.Objects.requireNonNull(sidecar, "sidecar");
        return configure(o -> o.withSidecar(sidecar));
    }

    default S imagePullSecret(String name) {
        if (name == null || !Names.DNS_SUBDOMAIN.matcher(name).matches()) {
            throw new IllegalArgumentException("Image pull secret '" + name + "' is not a valid Secret name: use "
                    + "lowercase letters, digits, '-' and '.'");
        }
        return configure(o -> o.withImagePullSecret(name));
    }

    default S retries(int limit) {
        return configure(o -> o.withRetry(Retry.times(limit)));
    }

    default S retry(Retry policy) {
        return configure(o -> o.withRetry(policy));
    }

    default S timeout(Duration limit) {
        if (limit.isZero() || limit.isNegative() || limit.toSeconds() < 1) {
            throw new IllegalArgumentException("timeout must be at least one second, got " + limit);
        }
        return configure(o -> o.withTimeout(limit));
    }

    /** Reuses results of an earlier run with the same cache key. */
    default S cached() {
        return configure(o -> o.withCache(CachePolicy.FOREVER));
    }

    default S cached(Duration maxAge) {
        return configure(o -> o.withCache(CachePolicy.maxAge(maxAge)));
    }

    default S noCache() {
        return configure(o -> o.withCache(CachePolicy.DISABLED));
    }

    default S label(String key, String value) {
        labelKey(key, "Label");
        if (value == null || !Names.LABEL_VALUE.matcher(value).matches() || value.length() > 63) {
            throw new IllegalArgumentException("Label '" + key + "' has value '" + value + "', which is not a valid "
                    + "Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a "
                    + "letter or digit (put free text in an annotation)");
        }
        return configure(o -> o.withLabel(key, value));
    }

    default S annotation(String key, String value) {
        labelKey(key, "Annotation");
        java.util.Objects.requireNonNull(value, () -> "annotation " + key + ": value is null");
        Names.requirePlain(value, "value of annotation " + key);
        return configure(o -> o.withAnnotation(key, value));
    }

    private static void labelKey(String key, String what) {
        if (key == null
                || !Names.LABEL_KEY.matcher(key).matches()
                || key.substring(key.indexOf('/') + 1).length() > 63) {
            throw new IllegalArgumentException(
                    what + " key '" + key + "' is not a valid Kubernetes key: use an optional "
                            + "DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'");
        }
    }

    private static String quantity(String what, String value) {
        if (value == null || !Names.QUANTITY.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid " + what + " quantity '" + value
                    + "': use Kubernetes quantities such as \"500m\", \"2\" or \"4Gi\"");
        }
        return value;
    }

    private static String envName(String name) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("Invalid environment variable name '" + name
                    + "': use letters, digits and '_', not starting with a digit");
        }
        if (name.startsWith("FERMION_")) {
            throw new IllegalArgumentException("Environment variable '" + name + "' uses the reserved FERMION_ prefix");
        }
        return name;
    }
}
