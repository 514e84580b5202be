package dev.fermion.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompileMojoTest {
    @TempDir
    Path project;

    private Path classes;
    private Path output;

    /** The pretend project registers its pipelines in its own classes directory, as its build would. */
    @BeforeEach
    void registerPipelines() throws Exception {
        classes = project.resolve("target/classes");
        output = project.resolve("target/fermion");
        Path services = classes.resolve("META-INF/services/dev.fermion.dsl.PipelineSource");
        Files.createDirectories(services.getParent());
        Files.writeString(services, Fixtures.Doubling.class.getName() + "\n" + Fixtures.Nightly.class.getName() + "\n");
    }

    private CompileMojo mojo(List<String> kinds) {
        CompileMojo mojo = new CompileMojo();
        mojo.classesDirectory = classes.toFile();
        mojo.classpathElements = List.of(classes.toString());
        mojo.outputDirectory = output.toFile();
        mojo.kinds = kinds;
        return mojo;
    }

    private List<String> written() throws Exception {
        try (Stream<Path> files = Files.list(output)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesAWorkflowPerRegisteredPipelineByDefault() throws Exception {
        mojo(null).execute();

        assertThat(written()).containsExactly("doubling-workflow.yaml", "nightly-workflow.yaml");
        assertThat(Files.readString(output.resolve("doubling-workflow.yaml")))
                .contains("kind: Workflow")
                .contains("generateName: doubling-");
    }

    @Test
    void theProjectsRuntimeImageIsWhatItsJavaStepsRun() throws Exception {
        CompileMojo mojo = mojo(null);
        mojo.runtimeImage = "localhost/orders-pipelines:1.0.0";
        mojo.execute();

        assertThat(Files.readString(output.resolve("doubling-workflow.yaml")))
                .contains("image: localhost/orders-pipelines:1.0.0")
                .doesNotContain("fermion-runtime:");
    }

    @Test
    void theImageGoalNeedsTheImageToBuild() {
        ImageMojo mojo = new ImageMojo();
        mojo.classesDirectory = classes.toFile();
        mojo.classpathElements = List.of(classes.toString());

        assertThatThrownBy(mojo::execute)
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("set <runtimeImage>");
    }

    @Test
    void writesEachKindAskedForAndCronOnlyForScheduledPipelines() throws Exception {
        CompileMojo mojo = mojo(List.of("template", "cron"));
        mojo.imageRegistry = "registry.example.com/ml";
        mojo.imageTag = "7.1";
        mojo.namespace = "ml";
        mojo.params = Map.of("x", "5");
        mojo.pipelines = List.of("doubling", Fixtures.Nightly.class.getName());
        mojo.execute();

        assertThat(written()).containsExactly("doubling-template.yaml", "nightly-cron.yaml", "nightly-template.yaml");
        String template = Files.readString(output.resolve("doubling-template.yaml"));
        assertThat(template)
                .contains("kind: WorkflowTemplate")
                .contains("namespace: ml")
                .contains("image: registry.example.com/ml/fermion-runtime:7.1")
                .containsPattern("name: x\\s+value: \"5\"");
        assertThat(Files.readString(output.resolve("nightly-cron.yaml")))
                .contains("kind: CronWorkflow")
                .contains("0 3 * * *");
    }

    @Test
    void anUnknownPipelineOrKindFailsTheBuildWithTheReason() {
        CompileMojo unknown = mojo(null);
        unknown.pipelines = List.of("nope");
        assertThatThrownBy(unknown::execute)
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("no pipeline named 'nope'")
                .hasMessageContaining("doubling");

        assertThatThrownBy(() -> mojo(List.of("job")).execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("kind must be workflow, template or cron, got 'job'");
    }

    @Test
    void aParameterNoPipelineDeclaresFailsTheBuild() {
        CompileMojo mojo = mojo(null);
        mojo.params = Map.of("y", "5");
        assertThatThrownBy(mojo::execute)
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("no pipeline has the parameter [y]")
                .hasMessageContaining("doubling.x");
    }

    @Test
    void aBadParameterValueFailsTheBuild() {
        CompileMojo mojo = mojo(null);
        mojo.pipelines = List.of("doubling");
        mojo.params = Map.of("x", "many");
        assertThatThrownBy(mojo::execute)
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("cannot compile pipeline 'doubling'")
                .hasMessageContaining("x");
    }

    @Test
    void skipWritesNothing() throws Exception {
        CompileMojo mojo = mojo(null);
        mojo.skip = true;
        mojo.execute();
        assertThat(output).doesNotExist();
    }
}
