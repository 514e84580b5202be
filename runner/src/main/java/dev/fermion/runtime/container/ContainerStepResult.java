package dev.fermion.runtime.container;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a container or script step ended. On success, {@code params} holds every parameter output as its
 * encoded text, {@code artifacts} every artifact output's directory and {@code digests} its content
 * digest ({@link dev.fermion.runtime.launch.ContentDigest}). On failure, {@code message} says why.
 */
public record ContainerStepResult(
        boolean succeeded,
        int exitCode,
        Map<String, String> params,
        Map<String, Path> artifacts,
        Map<String, String> digests,
        String message) {
    public ContainerStepResult {
        params = Map.copyOf(params);
        artifacts = Map.copyOf(artifacts);
        digests = Map.copyOf(digests);
    }

    static ContainerStepResult failed(int exitCode, String message) {
        return new ContainerStepResult(false, exitCode, Map.of(), Map.of(), Map.of(), message);
    }
}
