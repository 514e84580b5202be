package dev.fermion.tracking.delivery;

/**
 * A data set directory a step read. {@code digest} is the content digest the runner already knows, or null
 * to compute it when the input is sent.
 */
public record DatasetRef(String name, String path, String digest, String context) {}
