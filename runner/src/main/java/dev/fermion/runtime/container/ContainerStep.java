package dev.fermion.runtime.container;

import dev.fermion.plan.Node;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One attempt of a container or script step, as the local runner hands it over.
 *
 * @param params         the encoded value ({@link dev.fermion.contract.ValueCodec}) of every bound parameter input
 * @param inputArtifacts the directory of every bound artifact input; only read
 * @param stepDir        an empty directory owned by this attempt; the step's files and outputs go below it
 * @param logFile        receives the command's stdout and stderr
 * @param network        the engine's network for the step's container (its sidecars'), or null for the default
 */
public record ContainerStep(
        String pipeline,
        Node.ContainerNode node,
        Map<String, String> params,
        Map<String, Path> inputArtifacts,
        Path stepDir,
        Path logFile,
        String network) {

    public ContainerStep(
            String pipeline,
            Node.ContainerNode node,
            Map<String, String> params,
            Map<String, Path> inputArtifacts,
            Path stepDir,
            Path logFile) {
        this(pipeline, node, params, inputArtifacts, stepDir, logFile, null);
    }

    public ContainerStep {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(node, "node");
        params = Map.copyOf(params);
        inputArtifacts = Map.copyOf(inputArtifacts);
        Objects.requireNonNull(stepDir, "stepDir");
        Objects.requireNonNull(logFile, "logFile");
    }

    String where() {
        return "pipeline '" + pipeline + "', step '" + node.name() + "'";
    }
}
