package dev.fermion.compiler.argo;

import java.util.List;

/**
 * An Argo resource template: {@code action} (create, apply, patch, delete) on {@code manifest}, done when
 * {@code successCondition} holds, failed when {@code failureCondition} does; with
 * {@code setOwnerReference} the object is owned by the workflow and deleted with it. Argo passes
 * {@code flags} to its {@code kubectl} call.
 */
public record ResourceAction(
        String action,
        String mergeStrategy,
        List<String> flags,
        String manifest,
        String successCondition,
        String failureCondition,
        Boolean setOwnerReference) {

    public ResourceAction {
        flags = flags == null ? null : List.copyOf(flags);
    }
}
