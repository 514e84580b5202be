package dev.fermion.compiler.argo;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;

public record WorkflowSpec(
        String entrypoint,
        String onExit,
        Arguments arguments,
        String serviceAccountName,
        PodSecurityContext securityContext,
        ArtifactRepositoryRef artifactRepositoryRef,
        List<LocalObjectReference> imagePullSecrets,
        List<Volume> volumes,
        Long activeDeadlineSeconds,
        TtlStrategy ttlStrategy,
        PodGC podGC,
        List<Template> templates) {

    /** How long Argo keeps a finished workflow, in seconds. */
    public record TtlStrategy(Long secondsAfterCompletion, Long secondsAfterSuccess, Long secondsAfterFailure) {}

    /** When Argo deletes the workflow's pods. */
    public record PodGC(String strategy) {}
}
