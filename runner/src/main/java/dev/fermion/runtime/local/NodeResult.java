package dev.fermion.runtime.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a finished node left for the nodes after it: its status, its parameter outputs (encoded), its
 * artifact outputs with digests, and for a loop the frame of each iteration, in item order.
 */
record NodeResult(
        StepStatus status,
        Map<String, String> params,
        Map<String, Path> artifacts,
        Map<String, String> digests,
        List<Frame> iterations,
        String message) {

    NodeResult {
        params = Map.copyOf(params);
        artifacts = Map.copyOf(artifacts);
        digests = Map.copyOf(digests);
        iterations = List.copyOf(iterations);
    }

    static NodeResult of(StepStatus status, String message) {
        return new NodeResult(status, Map.of(), Map.of(), Map.of(), List.of(), message);
    }
}
