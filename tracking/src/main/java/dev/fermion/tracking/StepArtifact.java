package dev.fermion.tracking;

import dev.fermion.types.Artifact;

/**
 * An artifact a step read or wrote, by port name. {@code digest} is the runner's content digest, or null
 * when it has none (the tracker then computes one where MLflow needs it).
 */
public record StepArtifact(String name, Artifact artifact, String digest) {}
