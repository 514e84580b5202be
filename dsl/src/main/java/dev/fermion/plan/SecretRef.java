package dev.fermion.plan;

import java.util.Objects;

/**
 * A reference to one key of a Kubernetes Secret. Fermion never reads, prints or embeds the secret's value:
 * the cluster injects it into the container, and local runs read it from an environment variable of the
 * same name.
 */
public record SecretRef(String secret, String key) {
    public SecretRef {
        if (Names.sanitize(secret) == null || !Names.sanitize(secret).equals(secret)) {
            throw new IllegalArgumentException(
                    "Invalid Secret name '" + secret + "': use a DNS-1123 name such as \"mlflow-credentials\"");
        }
        Objects.requireNonNull(key, "key");
        if (!key.matches("[-._a-zA-Z0-9]+")) {
            throw new IllegalArgumentException(
                    "Invalid key '" + key + "' of Secret '" + secret + "': use letters, digits, '-', '_' or '.'");
        }
    }

    public static SecretRef of(String secret, String key) {
        return new SecretRef(secret, key);
    }

    @Override
    public String toString() {
        return "secret " + secret + "/" + key;
    }
}
