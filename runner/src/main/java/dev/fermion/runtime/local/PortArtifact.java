package dev.fermion.runtime.local;

import dev.fermion.types.Artifact;

/**
 * An artifact a step read or wrote, by port name, as listeners see it.
 *
 * @param artifact the directory, typed as the port declares it ({@code Dataset}, {@code Model}, {@code Directory})
 * @param digest   the content digest the runner computed (and keys the cache with)
 */
public record PortArtifact(String name, Artifact artifact, String digest) {}
