package dev.fermion.submit;

import dev.fermion.compiler.WorkflowKind;

/**
 * An object the cluster now holds.
 *
 * @param kind    what was sent
 * @param name    its name, for a Workflow the one the API server generated
 * @param created true when it was created, false when an existing one was replaced
 */
public record Submitted(WorkflowKind kind, String resourceKind, String name, String namespace, boolean created) {}
