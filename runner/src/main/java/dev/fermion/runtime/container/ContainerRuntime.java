package dev.fermion.runtime.container;

import java.util.Locale;

/**
 * How local runs execute steps that run an image or a script ({@code --container-runtime}).
 * {@link #AUTO} uses Docker or Podman when one works and fails otherwise; {@link #HOST} runs the command
 * directly on this machine, with the container's paths mapped to a per-step directory, which only works
 * when the tools the command calls are installed here.
 */
public enum ContainerRuntime {
    AUTO,
    DOCKER,
    PODMAN,
    HOST;

    /** Parses {@code auto}, {@code docker}, {@code podman} or {@code host}, in any case. */
    public static ContainerRuntime parse(String text) {
        if (text != null) {
            for (ContainerRuntime value : values()) {
                if (value.name().equalsIgnoreCase(text.trim())) {
                    return value;
                }
            }
        }
        throw new IllegalArgumentException(
                "unknown container runtime '" + text + "': use auto, docker, podman or host");
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
