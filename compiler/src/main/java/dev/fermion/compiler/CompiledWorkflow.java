package dev.fermion.compiler;

/**
 * The result of compiling a pipeline.
 *
 * @param name      the pipeline name (for a Workflow, the prefix of its generated name)
 * @param yaml      one YAML document
 * @param sizeBytes the size of the object as Argo stores it (JSON), the size its 1 MiB limit applies to
 */
public record CompiledWorkflow(WorkflowKind kind, String name, String yaml, int sizeBytes) {}
