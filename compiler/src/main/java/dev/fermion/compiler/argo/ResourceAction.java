package dev.fermion.compiler.argo;

/**
 * An Argo resource template: {@code action} (create, apply, patch, delete) on {@code manifest}, done when
 * {@code successCondition} holds, failed when {@code failureCondition} does; with
 * {@code setOwnerReference} the object is owned by the workflow and deleted with it.
 */
public record ResourceAction(String action, String mergeStrategy, String manifest, String successCondition,
                             String failureCondition, Boolean setOwnerReference) { }
