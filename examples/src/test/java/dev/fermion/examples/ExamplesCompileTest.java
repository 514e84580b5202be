package dev.fermion.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.compiler.ArgoCompiler;
import dev.fermion.compiler.ArgoValidator;
import dev.fermion.compiler.CompilerOptions;
import dev.fermion.compiler.WorkflowKind;
import dev.fermion.dsl.FermionPipeline;
import dev.fermion.dsl.Pipeline;
import dev.fermion.examples.iris.IrisPipeline;
import dev.fermion.examples.nightly.NightlyRetrainPipeline;
import dev.fermion.examples.sweep.SweepPipeline;
import dev.fermion.examples.volumes.SharedVolumePipeline;
import dev.fermion.plan.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example pipelines as users get them: found through their ServiceLoader registration, compiled to
 * every kind that applies, compared with the golden YAML under {@code src/test/resources/golden}, and
 * accepted by Argo's offline validator. Regenerate after an intended change with
 * {@code ./mvnw -pl examples test -Dfermion.updateGolden=true} and review the diff.
 */
class ExamplesCompileTest {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final boolean UPDATE = Boolean.getBoolean("fermion.updateGolden");
    private static final CompilerOptions OPTIONS = CompilerOptions.defaults().withTag("1.0.0");

    static Map<String, Pipeline> examples() {
        Map<String, Pipeline> found = new TreeMap<>();
        for (Pipeline pipeline : List.of(
                IrisPipeline.iris(),
                SweepPipeline.sweep(),
                NightlyRetrainPipeline.nightlyRetrain(),
                SharedVolumePipeline.sharedVolume())) {
            found.put(pipeline.name(), pipeline);
        }
        return found;
    }

    /** The index @FermionPipeline's processor wrote when the examples compiled, which fermion list reads. */
    @Test
    void theExamplesAreRegistered() throws IOException {
        List<String> indexed = new ArrayList<>();
        try (var in = ExamplesCompileTest.class.getClassLoader().getResourceAsStream(FermionPipeline.INDEX)) {
            assertThat(in).as(FermionPipeline.INDEX).isNotNull();
            new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .forEach(indexed::add);
        }
        assertThat(indexed)
                .containsExactlyInAnyOrder(
                        IrisPipeline.class.getName() + "#iris",
                        SweepPipeline.class.getName() + "#sweep",
                        NightlyRetrainPipeline.class.getName() + "#nightlyRetrain",
                        SharedVolumePipeline.class.getName() + "#sharedVolume");
    }

    @Test
    void sharedVolumeTrainsFromTheRestoredSnapshot() {
        var plan = examples().get("shared-volume").plan();
        assertThat(plan.graph().node("snapshot").orElseThrow().dependencies())
                .containsExactlyInAnyOrder("staging", "generate");
        assertThat(plan.graph().node("frozen").orElseThrow().dependencies()).containsExactly("snapshot");
        assertThat(plan.graph().node("prepare").orElseThrow().dependencies()).containsExactly("frozen");
    }

    @Test
    void examplesMatchGoldenYamlAndPassArgoValidation(@TempDir Path tmp) throws IOException {
        SoftAssertions matches = new SoftAssertions();
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, Pipeline> example : examples().entrySet()) {
            List<WorkflowKind> kinds = new ArrayList<>(List.of(WorkflowKind.WORKFLOW, WorkflowKind.TEMPLATE));
            if (example.getValue().plan().schedule().isPresent()) {
                kinds.add(WorkflowKind.CRON);
            }
            for (WorkflowKind kind : kinds) {
                String name = example.getKey() + "-" + kind.name().toLowerCase(java.util.Locale.ROOT) + ".yaml";
                String yaml = new ArgoCompiler(OPTIONS)
                        .compile(example.getValue().plan(), kind, Map.of())
                        .yaml();
                Path golden = GOLDEN.resolve(name);
                if (UPDATE) {
                    Files.createDirectories(GOLDEN);
                    Files.writeString(golden, yaml, StandardCharsets.UTF_8);
                }
                assertThat(golden)
                        .as("golden file %s; create it with -Dfermion.updateGolden=true", golden)
                        .exists();
                matches.assertThat(masked(yaml))
                        .as("%s differs from its golden file", name)
                        .isEqualTo(masked(Files.readString(golden, StandardCharsets.UTF_8)));
                Path compiled = tmp.resolve(name);
                Files.writeString(compiled, yaml, StandardCharsets.UTF_8);
                files.add(compiled);
            }
        }
        ArgoValidator.assertValid(files);
        matches.assertAll();
    }

    @Test
    void irisPublishesOnlyWhenAccuracyPasses() {
        var plan = examples().get("iris").plan();
        Node deploy = plan.graph().node("deploy").orElseThrow();
        assertThat(deploy.when()).isPresent();
        assertThat(deploy.dependencies()).contains("evaluate", "train");
    }

    @Test
    void nightlyRetrainIsScheduledAndReportsItsOutcome() {
        var plan = examples().get("nightly-retrain").plan();
        assertThat(plan.schedule())
                .hasValueSatisfying(s -> assertThat(s.crons()).containsExactly("30 2 * * *"));
        assertThat(plan.onExit())
                .hasValueSatisfying(exit -> assertThat(exit.node("report")).isPresent());
    }

    /** Code digests hash compiled bytecode, which differs between JDK builds. */
    private static String masked(String yaml) {
        return yaml.replaceAll("code=[0-9a-f]{16}", "code=<digest>");
    }
}
