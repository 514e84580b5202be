package dev.fermion.submit;

import dev.fermion.compiler.WorkflowKind;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The kinds of resource Fermion reads and writes, as the generic client addresses them. */
final class ArgoTypes {
    static final ResourceDefinitionContext WORKFLOWS = argo("Workflow", "workflows");
    static final ResourceDefinitionContext TEMPLATES = argo("WorkflowTemplate", "workflowtemplates");
    static final ResourceDefinitionContext CRON_WORKFLOWS = argo("CronWorkflow", "cronworkflows");
    static final ResourceDefinitionContext PODS = new ResourceDefinitionContext.Builder()
            .withGroup("")
            .withVersion("v1")
            .withKind("Pod")
            .withPlural("pods")
            .withNamespaced(true)
            .build();

    private ArgoTypes() {}

    private static ResourceDefinitionContext argo(String kind, String plural) {
        return new ResourceDefinitionContext.Builder()
                .withGroup("argoproj.io")
                .withVersion("v1alpha1")
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(true)
                .build();
    }

    static ResourceDefinitionContext of(WorkflowKind kind) {
        return switch (kind) {
            case WORKFLOW -> WORKFLOWS;
            case TEMPLATE -> TEMPLATES;
            case CRON -> CRON_WORKFLOWS;
        };
    }
}
