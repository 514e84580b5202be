package dev.fermion.compiler.argo;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Volume;

import java.util.List;

public record WorkflowSpec(String entrypoint, String onExit, Arguments arguments, String serviceAccountName,
                           PodSecurityContext securityContext, ArtifactRepositoryRef artifactRepositoryRef,
                           List<LocalObjectReference> imagePullSecrets, List<Volume> volumes,
                           List<Template> templates) { }
