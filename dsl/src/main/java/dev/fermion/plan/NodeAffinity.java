package dev.fermion.plan;

import java.util.List;
import java.util.Objects;

/**
 * A node-affinity term: nodes whose label {@code key} satisfies {@code operator} over {@code values}.
 * {@code weight} null means required during scheduling; 1..100 means preferred with that weight.
 */
public record NodeAffinity(String key, Operator operator, List<String> values, Integer weight) {

    public enum Operator {
        IN,
        NOT_IN,
        EXISTS,
        DOES_NOT_EXIST,
        GT,
        LT
    }

    public NodeAffinity {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operator, "operator");
        values = List.copyOf(values);
        Names.requirePlain(key, "node affinity key");
        values.forEach(v -> Names.requirePlain(v, "node affinity value"));
        if (weight != null && (weight < 1 || weight > 100)) {
            throw new IllegalArgumentException("Node affinity on '" + key + "': weight must be 1..100, got " + weight);
        }
    }

    public static NodeAffinity require(String key, String... values) {
        return new NodeAffinity(key, Operator.IN, List.of(values), null);
    }

    public static NodeAffinity prefer(int weight, String key, String... values) {
        return new NodeAffinity(key, Operator.IN, List.of(values), weight);
    }

    public boolean required() {
        return weight == null;
    }
}
