package dev.fermion.compiler.argo;

import java.util.List;

/** Argo v3.6+ CronWorkflow spec: {@code schedules} is a list (the single-valued field is gone in v4). */
public record CronWorkflowSpec(
        List<String> schedules,
        String timezone,
        String concurrencyPolicy,
        Integer startingDeadlineSeconds,
        Integer successfulJobsHistoryLimit,
        Integer failedJobsHistoryLimit,
        Metadata workflowMetadata,
        WorkflowSpec workflowSpec) {}
