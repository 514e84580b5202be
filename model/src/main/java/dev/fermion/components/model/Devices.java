package dev.fermion.components.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Picks where tensors live: the first GPU when the engine sees one, the CPU otherwise. */
public final class Devices {
    private Devices() {}

    public static Device best() {
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }
}
