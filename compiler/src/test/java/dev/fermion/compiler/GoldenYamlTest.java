package dev.fermion.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.compiler.fixtures.SamplePipelines;
import dev.fermion.dsl.Pipeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compares the compiled YAML of representative pipelines with the files under
 * {@code src/test/resources/golden}. After an intended change, regenerate them with
 * {@code ./mvnw -o -pl compiler test -Dtest=GoldenYamlTest -Dfermion.updateGolden=true} and review the diff.
 *
 * <p>Code digests hash the compiled bytecode of the test components, which differs between JDK builds, so
 * they are masked in the comparison; {@link MemoizeKeyTest} checks them directly.
 */
class GoldenYamlTest {
    static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final boolean UPDATE = Boolean.getBoolean("fermion.updateGolden");
    private static final CompilerOptions OPTIONS = CompilerOptions.defaults().withTag("1.0.0");

    @Test
    void compiledPipelinesMatchGoldenFilesAndPassArgoValidation(@TempDir Path tmp) throws IOException {
        SoftAssertions matches = new SoftAssertions();
        List<Path> toValidate = new ArrayList<>();
        for (Map.Entry<String, Supplier<Pipeline>> sample :
                SamplePipelines.all().entrySet()) {
            String name = sample.getKey();
            WorkflowKind kind = name.equals("cron") ? WorkflowKind.CRON : WorkflowKind.WORKFLOW;
            String yaml = new ArgoCompiler(OPTIONS)
                    .compile(sample.getValue().get().plan(), kind, Map.of())
                    .yaml();
            Path golden = GOLDEN.resolve(name + ".yaml");
            if (UPDATE) {
                Files.createDirectories(GOLDEN);
                Files.writeString(golden, yaml, StandardCharsets.UTF_8);
            }
            assertThat(golden)
                    .as("golden file %s; create it with -Dfermion.updateGolden=true", golden)
                    .exists();
            matches.assertThat(masked(yaml))
                    .as(
                            "%s differs from %s (rerun with -Dfermion.updateGolden=true if the "
                                    + "change is intended)",
                            name, golden)
                    .isEqualTo(masked(Files.readString(golden, StandardCharsets.UTF_8)));
            Path compiled = tmp.resolve(name + ".yaml");
            Files.writeString(compiled, yaml, StandardCharsets.UTF_8);
            toValidate.add(compiled);
            toValidate.add(golden);
        }
        ArgoValidator.assertValid(toValidate);
        matches.assertAll();
    }

    @Test
    void templateKindUsesTheSameBodyWithAFixedName(@TempDir Path tmp) throws IOException {
        var plan = SamplePipelines.linearChain().plan();
        String template = new ArgoCompiler(OPTIONS)
                .compile(plan, WorkflowKind.TEMPLATE, Map.of())
                .yaml();
        Path golden = GOLDEN.resolve("linear-chain-template.yaml");
        if (UPDATE) {
            Files.writeString(golden, template, StandardCharsets.UTF_8);
        }
        assertThat(masked(Files.readString(golden, StandardCharsets.UTF_8))).isEqualTo(masked(template));
        Path compiled = tmp.resolve("template.yaml");
        Files.writeString(compiled, template, StandardCharsets.UTF_8);
        ArgoValidator.assertValid(List.of(compiled, golden));
    }

    /**
     * With tracking, every step and the exit handler's finaliser get the server, the token by Secret
     * reference and the workflow's identity; a pipeline without an exit handler gets one for the finaliser.
     */
    @Test
    void trackingSettingsReachEveryStepAndTheExitHandlerFinishesTheRun(@TempDir Path tmp) throws IOException {
        CompilerOptions tracked = OPTIONS.withMlflow(
                MlflowSettings.parse("http://mlflow.ml.svc.cluster.local:5000", "mlflow-credentials/token", null));
        SoftAssertions matches = new SoftAssertions();
        List<Path> toValidate = new ArrayList<>();
        for (Map.Entry<String, Supplier<Pipeline>> sample : Map.of(
                        "linear-chain",
                        (Supplier<Pipeline>) SamplePipelines::linearChain,
                        "exit-handler",
                        SamplePipelines::exitHandler)
                .entrySet()) {
            String yaml = new ArgoCompiler(tracked)
                    .compile(sample.getValue().get().plan(), WorkflowKind.WORKFLOW, Map.of())
                    .yaml();
            Path golden = GOLDEN.resolve(sample.getKey() + "-tracking.yaml");
            if (UPDATE) {
                Files.writeString(golden, yaml, StandardCharsets.UTF_8);
            }
            matches.assertThat(masked(yaml))
                    .as(golden.toString())
                    .isEqualTo(masked(Files.readString(golden, StandardCharsets.UTF_8)));
            assertThat(yaml)
                    .doesNotContain("mlflow-credentials/token")
                    .contains("secretKeyRef:\n", "FERMION_WORKFLOW_UID", "{{workflow.uid}}", "{{workflow.status}}");
            Path compiled = tmp.resolve(sample.getKey() + ".yaml");
            Files.writeString(compiled, yaml, StandardCharsets.UTF_8);
            toValidate.add(compiled);
            toValidate.add(golden);
        }
        ArgoValidator.assertValid(toValidate);
        matches.assertAll();
    }

    @Test
    void compilingTwiceGivesIdenticalBytes() {
        for (Supplier<Pipeline> sample : SamplePipelines.all().values()) {
            var plan = sample.get().plan();
            WorkflowKind kind = plan.schedule().isPresent() ? WorkflowKind.CRON : WorkflowKind.WORKFLOW;
            String first =
                    new ArgoCompiler(OPTIONS).compile(plan, kind, Map.of()).yaml();
            String second = new ArgoCompiler(OPTIONS)
                    .compile(sample.get().plan(), kind, Map.of())
                    .yaml();
            assertThat(second).isEqualTo(first);
        }
    }

    static String masked(String yaml) {
        return yaml.replaceAll("code=[0-9a-f]{16}", "code=<digest>");
    }
}
