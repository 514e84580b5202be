package dev.fermion.runtime.local;

import java.util.Locale;

/** How the local runner runs each step attempt. */
public enum Isolation {
    /** In this JVM, on its own thread: fast, for development. */
    IN_PROCESS,
    /** In a fresh JVM through the launcher main, with the same arguments a pod gets. */
    PROCESS,
    /** In the step's image with Docker or Podman, through {@code fermion-step} with a pod's paths: the closest to a pod. */
    CONTAINER;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Isolation parse(String text) {
        for (Isolation i : values()) {
            if (i.cliName().equals(text) || i.name().equalsIgnoreCase(text)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown isolation '" + text + "': use in-process, process or container");
    }
}
