package dev.fermion.compiler;

import java.util.Locale;

/** The compiled workflow is over the 1 MiB that Kubernetes (etcd) and Argo accept for one object. */
public final class WorkflowTooLargeException extends RuntimeException {
    public static final int LIMIT_BYTES = 1024 * 1024;

    private final String pipeline;
    private final int sizeBytes;

    public WorkflowTooLargeException(String pipeline, int sizeBytes) {
        super(String.format(
                Locale.ROOT,
                "Pipeline '%s' compiles to %,d bytes, over Argo's limit of %,d bytes (1 MiB) "
                        + "per workflow object. To fix it: split the pipeline into sub-pipelines compiled as separate "
                        + "WorkflowTemplates; loop over a list known at run time (forEach over a parameter or a step "
                        + "output, compiled to withParam) instead of unrolling many static steps or long static item "
                        + "lists; and pass large or long literal values as files or artifacts rather than parameters.",
                pipeline,
                sizeBytes,
                LIMIT_BYTES));
        this.pipeline = pipeline;
        this.sizeBytes = sizeBytes;
    }

    public String pipeline() {
        return pipeline;
    }

    public int sizeBytes() {
        return sizeBytes;
    }
}
