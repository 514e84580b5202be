package dev.fermion.runtime.container;

import java.util.Map;

/**
 * How a Kubernetes-resource step ended: on success every parameter output's text read from the object
 * ({@code params}) and the object's name; on failure, {@code message} says why.
 */
public record ResourceStepResult(boolean succeeded, Map<String, String> params, String objectName, String message) {
    public ResourceStepResult {
        params = Map.copyOf(params);
    }

    static ResourceStepResult failed(String message) {
        return new ResourceStepResult(false, Map.of(), null, message);
    }
}
