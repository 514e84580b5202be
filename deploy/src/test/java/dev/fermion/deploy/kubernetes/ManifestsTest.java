package dev.fermion.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.compiler.ArgoCompiler;
import dev.fermion.compiler.CompilerOptions;
import dev.fermion.compiler.WorkflowKind;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.ResourceCommand;
import dev.fermion.dsl.ResourceComponent;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestsTest {
    /** A resource step that applies what a pipeline built with fabric8's builders. */
    public static final class ApplySettings extends ResourceComponent {
        public static final Output<String> NAME = output("name", String.class);

        @Override
        protected ResourceCommand command() {
            return ResourceCommand.apply(Manifests.yaml(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("settings")
                            .endMetadata()
                            .addToData("mode", "fast")
                            .build()))
                    .output(NAME, "{.metadata.name}");
        }
    }

    @Test
    void fabric8ObjectsBecomeYamlWithoutEmptyFields() {
        String yaml = Manifests.yaml(new ConfigMapBuilder()
                .withNewMetadata()
                .withName("settings")
                .endMetadata()
                .addToData("mode", "fast")
                .build());

        assertThat(yaml)
                .isEqualTo("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n");
    }

    @Test
    void fabric8ObjectsBecomeManifestsOfResourceSteps() {
        var plan = Pipeline.named("manifests")
                .define(p -> p.step("apply", new ApplySettings()))
                .plan();

        String compiled = new ArgoCompiler(CompilerOptions.defaults().withTag("1.0.0"))
                .compile(plan, WorkflowKind.WORKFLOW, Map.of())
                .yaml();

        assertThat(compiled)
                .contains(
                        "action: apply",
                        "kind: ConfigMap",
                        "name: settings",
                        "mode: fast",
                        "jsonPath: \"{.metadata.name}\"");
    }
}
