package dev.fermion.compiler.argo;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;

/** An Argo script template: a container whose program is {@code source}, run by {@code command}. */
public record Script(
        String image,
        List<String> command,
        List<EnvVar> env,
        String source,
        ResourceRequirements resources,
        List<VolumeMount> volumeMounts,
        SecurityContext securityContext) {}
