package dev.fermion.compiler.argo;

/** A top-level Argo object: a Workflow, WorkflowTemplate or CronWorkflow. */
public record Resource(String apiVersion, String kind, ResourceMeta metadata, Object spec) {
    public static final String API_VERSION = "argoproj.io/v1alpha1";
}
