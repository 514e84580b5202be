package dev.fermion.compiler;

/** Which Argo resource a pipeline compiles to. */
public enum WorkflowKind {
    /** A one-off run: {@code Workflow} with {@code generateName}. */
    WORKFLOW,
    /** A reusable, submittable {@code WorkflowTemplate} whose parameters can be set at submit time. */
    TEMPLATE,
    /** A {@code CronWorkflow}; needs the pipeline's schedule. */
    CRON
}
