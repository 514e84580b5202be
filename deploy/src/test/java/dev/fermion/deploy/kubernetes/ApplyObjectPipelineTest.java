package dev.fermion.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.compiler.ArgoCompiler;
import dev.fermion.compiler.ArgoValidator;
import dev.fermion.compiler.CompilerOptions;
import dev.fermion.compiler.WorkflowKind;
import dev.fermion.dsl.Pipeline;
import dev.fermion.plan.Node;
import dev.fermion.plan.ResourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serving objects applied from the workflow as Argo resource steps, compiled and validated offline. */
class ApplyObjectPipelineTest {
    private static Pipeline servePublishedIris() {
        return Pipeline.named("serve-iris").define(p -> ApplyObject.steps(p, Settings.iris("3")));
    }

    @Test
    void eachObjectIsAnApplyStepThatReportsItsName() {
        var plan = servePublishedIris().plan();
        var deployment =
                (Node.ResourceNode) plan.graph().node("apply-deployment").orElseThrow();
        ResourceSpec spec = deployment.resource();
        assertThat(spec.action()).isEqualTo(ResourceSpec.Action.APPLY);
        assertThat(spec.manifest())
                .contains(
                        "kind: Deployment",
                        "name: iris",
                        "- iris=/mnt/models",
                        "path: /v2/health/ready",
                        "runAsNonRoot: true");
        assertThat(spec.successCondition()).isEqualTo("status.availableReplicas > 0");
        assertThat(spec.outputs()).containsExactly(Map.entry("name", "{.metadata.name}"));
        assertThat(plan.graph().node("apply-service")).isPresent();
        assertThat(plan.graph().node("apply-horizontalpodautoscaler")).isPresent();
        assertThat(plan.graph().node("apply-poddisruptionbudget")).isPresent();
    }

    @Test
    void theCompiledWorkflowPassesArgoValidation(@TempDir Path dir) throws Exception {
        String yaml = new ArgoCompiler(CompilerOptions.defaults().withTag("1.0.0"))
                .compile(servePublishedIris().plan(), WorkflowKind.WORKFLOW, Map.of())
                .yaml();
        assertThat(yaml).contains("resource:", "action: apply", "kind: HorizontalPodAutoscaler");
        Path file = dir.resolve("serve-iris.yaml");
        Files.writeString(file, yaml);
        ArgoValidator.assertValid(List.of(file));
    }
}
