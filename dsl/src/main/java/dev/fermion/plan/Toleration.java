package dev.fermion.plan;

import java.time.Duration;
import java.util.Objects;

/** A Kubernetes toleration. {@code value} is null for {@link Operator#EXISTS}. */
public record Toleration(String key, Operator operator, String value, Effect effect, Duration tolerationSeconds) {

    public enum Operator {
        EQUAL,
        EXISTS
    }

    public enum Effect {
        NO_SCHEDULE,
        PREFER_NO_SCHEDULE,
        NO_EXECUTE
    }

    public Toleration {
        Objects.requireNonNull(operator, "operator");
        Names.requirePlain(key, "toleration key");
        Names.requirePlain(value, "toleration value");
        if (operator == Operator.EXISTS && value != null) {
            throw new IllegalArgumentException("Toleration '" + key + "': operator EXISTS takes no value");
        }
    }

    public static Toleration equal(String key, String value, Effect effect) {
        return new Toleration(key, Operator.EQUAL, value, effect, null);
    }

    public static Toleration exists(String key, Effect effect) {
        return new Toleration(key, Operator.EXISTS, null, effect, null);
    }

    /** The usual taint on GPU nodes. */
    public static Toleration gpuNodes() {
        return exists("nvidia.com/gpu", Effect.NO_SCHEDULE);
    }
}
