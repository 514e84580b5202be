package dev.fermion.compiler;

/**
 * The result of compiling a pipeline.
 *
 * @param name      the pipeline name (for a Workflow, the prefix of its generated name)
 * @param yaml      one YAML document
 * @param sizeBytes the larger of the YAML size and the size of the JSON Argo stores, in bytes
 */
public record CompiledWorkflow(WorkflowKind kind, String name, String yaml, int sizeBytes) { }
