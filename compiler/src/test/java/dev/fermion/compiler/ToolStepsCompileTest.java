package dev.fermion.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.compiler.fixtures.Components.Notify;
import dev.fermion.compiler.fixtures.Components.Prepare;
import dev.fermion.compiler.fixtures.SamplePipelines;
import dev.fermion.compiler.fixtures.ToolSteps;
import dev.fermion.contract.ValueCodec;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.ResourceCommand;
import dev.fermion.dsl.ResourceComponent;
import dev.fermion.dsl.VolumeClaim;
import dev.fermion.dsl.VolumeSnapshot;
import dev.fermion.plan.ContainerSpec;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Container, script, resource and recursive steps: what the golden files do not show. */
class ToolStepsCompileTest {
    private static final ArgoCompiler COMPILER =
            new ArgoCompiler(CompilerOptions.defaults().withTag("1.0.0"));

    /** A resource step whose manifest a test chooses; it exists only to test manifest checks. */
    public static final class Manifest extends ResourceComponent {
        public static final Output<String> NAME = output("name", String.class);
        private final String yaml;

        public Manifest(String yaml) {
            this.yaml = yaml;
        }

        @Override
        protected ResourceCommand command() {
            return ResourceCommand.apply(yaml).output(NAME, "{.metadata.name}");
        }
    }

    /** The value itself reaching the tool is shown by {@code HostileValuesTest} with Argo's own evaluation. */
    @Test
    void aLiteralThatArgoWouldEvaluateReachesAContainerStepArmouredAndIsDisarmedInItsArguments() {
        Plan plan = Pipeline.named("braces")
                .define(p -> {
                    var prep = p.step("prepare", new Prepare()).with(Prepare.SOURCE, "s3://x");
                    p.step("resize", new ToolSteps.Resize())
                            .with(ToolSteps.Resize.IMAGES, prep.out(Prepare.TRAIN))
                            .with(ToolSteps.Resize.MODE, "{{workflow.name}}");
                })
                .plan();

        String yaml = COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()).yaml();

        assertThat(yaml)
                .doesNotContain("{{workflow.name}}")
                .contains("value: " + ValueCodec.armour("{{workflow.name}}"))
                .contains("--mode={{=(hasPrefix(inputs.parameters['mode'], 'fermion:b64:')");
    }

    @Test
    void theCacheKeyOfAContainerStepUsesTheDigestOfItsCommand() {
        Plan plan = SamplePipelines.containerAndScript().plan();
        String yaml = COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()).yaml();
        Node.ContainerNode resize =
                (Node.ContainerNode) plan.graph().node("resize").orElseThrow();

        assertThat(yaml)
                .contains("component=" + ToolSteps.Resize.class.getName() + "\\\\nversion=1\\\\ncode="
                        + resize.container().digest() + "\\\\n");
        assertThat(yaml)
                .as("the uncached script step has no memoize")
                .doesNotContain("component=" + ToolSteps.Twice.class.getName());
    }

    @Test
    void containerPathsAreTheSameInEveryBackend() {
        assertThat(ContainerSpec.inputPath("images")).isEqualTo("/fermion/inputs/images");
        assertThat(ContainerSpec.outputPath("count", false)).isEqualTo("/fermion/outputs/params/count");
        assertThat(ContainerSpec.outputPath("resized", true)).isEqualTo("/fermion/outputs/artifacts/resized");
    }

    @Test
    void aManifestMustBeOneNamedKubernetesObject() {
        assertThatThrownBy(() -> compile(new Manifest("kind: ConfigMap\nmetadata:\n  name: x\n")))
                .hasMessageContaining("step 'apply'")
                .hasMessageContaining("has no apiVersion");
        assertThatThrownBy(
                        () -> compile(new Manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: x-\n")))
                .hasMessageContaining("has no metadata.name")
                .hasMessageContaining("apply needs to know which object");
        assertThatThrownBy(() -> compile(new Manifest("- a\n- b\n"))).hasMessageContaining("is not a YAML object");
        assertThatThrownBy(() -> compile(new Manifest("apiVersion: [\n"))).hasMessageContaining("is not valid YAML");
    }

    @Test
    void aRecursionIsGuardedByItsDepthOnBothSides() {
        String yaml = COMPILER.compile(SamplePipelines.recursion().plan(), WorkflowKind.WORKFLOW, Map.of())
                .yaml();

        assertThat(yaml)
                .contains(
                        "asInt(inputs.parameters['fermion-depth']) < 5}}",
                        "asInt(inputs.parameters['fermion-depth']) >= 5}}",
                        "template: fermion-recursion-limit");
    }

    @Test
    void aClaimReadFromAnotherStepIsPassedToTheTemplateThatMountsIt() {
        String yaml = COMPILER.compile(SamplePipelines.resources().plan(), WorkflowKind.WORKFLOW, Map.of())
                .yaml();

        assertThat(yaml)
                .contains(
                        "claimName: \"{{inputs.parameters.claim-",
                        "value: \"{{tasks.scratch.outputs.parameters.claim-name}}\"");
    }

    @Test
    void objectsDeletedAtTheEndJoinTheUsersExitHandler(@TempDir Path tmp) throws Exception {
        Plan plan = Pipeline.named("cleanup")
                .define(p -> {
                    p.step("scratch", new VolumeClaim("1Gi").deletedAtEnd());
                    p.onExit(exit -> exit.step("report", new Notify()).with(Notify.MESSAGE, exit.status()));
                })
                .plan();

        String yaml = COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()).yaml();

        assertThat(yaml)
                .contains(
                        "onExit: exit-handler",
                        "- name: report",
                        "- name: scratch--delete",
                        "template: delete-scratch",
                        "action: delete",
                        "name: \"{{workflow.name}}-scratch\"")
                .doesNotContain("generateName: fermion-");
        Path file = tmp.resolve("cleanup.yaml");
        Files.writeString(file, yaml);
        ArgoValidator.assertValid(List.of(file));
    }

    /** Binds the name of another object into a field the test chooses. */
    public static final class Binds extends ResourceComponent {
        public static final Input<String> TARGET = input("target", String.class);
        public static final Output<String> NAME = output("name", String.class);
        private final String yaml;
        private final String field;

        public Binds(String yaml, String field) {
            this.yaml = yaml;
            this.field = field;
        }

        @Override
        protected ResourceCommand command() {
            return ResourceCommand.create(yaml).input(TARGET, field).output(NAME, "{.metadata.name}");
        }
    }

    @Test
    void aResourceInputIsATemplateParameterWrittenIntoItsField() {
        String job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: copy-\nspec:\n  template:\n"
                + "    spec:\n      volumes:\n        - name: data\n          persistentVolumeClaim:\n"
                + "            claimName: placeholder\n";
        Plan plan = Pipeline.named("binds")
                .define(p -> {
                    var claim = p.step("scratch", new VolumeClaim("1Gi"));
                    p.step("copy", new Binds(job, "{.spec.template.spec.volumes[0].persistentVolumeClaim.claimName}"))
                            .with(Binds.TARGET, claim.out(VolumeClaim.CLAIM_NAME));
                })
                .plan();

        String yaml = COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()).yaml();

        assertThat(yaml)
                .contains(
                        "claimName: \"{{inputs.parameters.target}}\"",
                        "- name: target\n",
                        "value: \"{{tasks.scratch.outputs.parameters.claim-name}}\"")
                .doesNotContain("placeholder");
    }

    @Test
    void aResourceStepInALoopReadsAClaimFromOutsideIt(@TempDir Path tmp) throws Exception {
        Plan plan = Pipeline.named("snapshots")
                .define(p -> {
                    var claim = p.step("scratch", new VolumeClaim("1Gi"));
                    p.forEach("each", List.of("a", "b"), (body, item) -> {
                        var snapshot = body.step("snapshot", new VolumeSnapshot())
                                .with(VolumeSnapshot.CLAIM, claim.out(VolumeClaim.CLAIM_NAME));
                        return body.step("restore", new VolumeClaim("1Gi").fromSnapshot())
                                .with(VolumeClaim.SNAPSHOT, snapshot.out(VolumeSnapshot.SNAPSHOT_NAME));
                    });
                })
                .plan();

        String yaml = COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()).yaml();

        assertThat(yaml)
                .contains(
                        "value: \"{{tasks.scratch.outputs.parameters.claim-name}}\"",
                        "value: \"{{tasks.snapshot.outputs.parameters.snapshot-name}}\"",
                        "persistentVolumeClaimName: \"{{inputs.parameters.claim}}\"");
        Path file = tmp.resolve("snapshots.yaml");
        Files.writeString(file, yaml);
        ArgoValidator.assertValid(List.of(file));
    }

    /** Labels the object named by its input; the manifest itself names no object. */
    public static final class LabelNamed extends ResourceComponent {
        public static final Input<String> TARGET = input("target", String.class);

        @Override
        protected ResourceCommand command() {
            return ResourceCommand.patch(
                            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  labels:\n" + "    stage: done\n",
                            "merge")
                    .input(TARGET, "{.metadata.name}");
        }
    }

    @Test
    void anInputCanNameTheObjectAPatchActsOn() {
        Plan plan = Pipeline.named("label")
                .define(p -> {
                    var claim = p.step("scratch", new VolumeClaim("1Gi"));
                    p.step("label", new LabelNamed()).with(LabelNamed.TARGET, claim.out(VolumeClaim.CLAIM_NAME));
                })
                .plan();

        String yaml = COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()).yaml();

        assertThat(yaml).contains("action: patch", "mergeStrategy: merge", "name: \"{{inputs.parameters.target}}\"");
    }

    @Test
    void aResourceInputWhoseFieldTheManifestCannotHoldIsADefinitionError() {
        String configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: x-\ndata:\n  - a\n";

        assertThatThrownBy(() -> Pipeline.named("binds")
                        .define(p -> p.step("label", new Binds(configMap, "{.data.target}"))
                                .with(Binds.TARGET, "other")))
                .isInstanceOf(dev.fermion.dsl.PipelineDefinitionException.class)
                .hasMessageContaining("step 'label'")
                .hasMessageContaining("cannot write {.data.target}: {.data} is not an object");
    }

    private static String compile(ResourceComponent step) {
        Plan plan =
                Pipeline.named("manifests").define(p -> p.step("apply", step)).plan();
        return COMPILER.compile(plan, WorkflowKind.WORKFLOW, Map.of()).yaml();
    }
}
