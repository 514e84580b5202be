package dev.fermion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class CliTest {

    record Result(int exit, String out, String err) {}

    /** Runs the command line as {@code main} does: only the commands {@code args} name are built in full. */
    static Result fermion(String... args) {
        CommandLine cli = FermionCli.commandLine(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void listPrintsNameTabClass() {
        Result r = fermion("list");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("squares\tdev.fermion.cli.SamplePipelines$Squares\n");
    }

    @Test
    void listShowsABrokenPipelineAsBrokenAndTheOthersAsUsual() {
        Result r = fermion("list");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        "squares\tdev.fermion.cli.SamplePipelines$Squares\n",
                        "annotated\tdev.fermion.cli.RegisteredPipelines#annotated\n",
                        "broken\tdev.fermion.cli.RegisteredPipelines#broken\tbroken: pipeline 'broken', step 'square': input 'x'");
    }

    @Test
    void listValidateExitsNonZeroWhenAPipelineIsBroken() {
        Result r = fermion("list", "--validate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("squares\tdev.fermion.cli.SamplePipelines$Squares\n", "\tbroken: ");
    }

    @Test
    void commandsOnAValidPipelineWorkBesideABrokenOne() {
        assertThat(fermion("compile", "squares").exit()).isZero();
        Result annotated = fermion("compile", "annotated");
        assertThat(annotated.exit()).as(annotated.err()).isZero();
        assertThat(annotated.out()).contains("generateName: annotated-");
        Result broken = fermion("compile", "broken");
        assertThat(broken.exit()).isEqualTo(2);
        assertThat(broken.err()).contains("pipeline 'broken', step 'square'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "compile", "graph"})
    void everyCommandHasHelp(String command) {
        Result r = fermion(command, "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: fermion " + command);
    }

    @Test
    void mermaidGraphShowsStepsLoopsAndConditionalEdges() {
        Result r = fermion("graph", "squares");
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .startsWith("flowchart TD\n")
                .contains("subgraph n_each[\"each: for each item of [1,2,3]\"]")
                .contains("n_square[\"square<br/>SamplePipelines.Square\"]")
                .contains("n_each --> n_sum")
                .contains("n_sum -.->|\"sum.total #gt; param limit\"| n_big")
                .contains("n_sum -.->|\"not sum.total #gt; param limit\"| n_small");
    }

    @Test
    void dotGraphIsADigraph() {
        Result r = fermion("graph", "squares", "--format", "dot");
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .startsWith("digraph \"squares\" {")
                .contains("subgraph cluster_n_each {")
                .contains("n_sum -> n_big [style=dashed, label=\"sum.total > param limit\"];")
                .endsWith("}\n");
    }

    @Test
    void scriptStepsShowTheirImage() {
        Result r = fermion("graph", "dev.fermion.cli.SamplePipelines$WithScript");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("n_shout[\"shout<br/>SamplePipelines.Shout (script in python:3.12-slim)\"]")
                .contains("n_square --> n_shout");
    }

    @Test
    void pipelinesAreFoundByClassName() {
        Result r = fermion("graph", "dev.fermion.cli.SamplePipelines$ByField");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("n_only[");
    }

    @Test
    void compileWritesAWorkflowAndReportsItsSize(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out/squares.yaml");
        Result r = fermion("compile", "squares", "-o", file.toString(), "-p", "limit=20");
        assertThat(r.exit()).as(r.err()).isZero();
        String yaml = Files.readString(file);
        assertThat(yaml).contains("kind: Workflow").contains("generateName: squares-");
        assertThat(r.err()).contains("Wrote workflow").contains("bytes").contains("of Argo's 1 MiB limit");
    }

    @Test
    void compileToStdout() {
        Result r = fermion("compile", "squares", "--kind", "template");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("kind: WorkflowTemplate");
    }

    @Test
    void unknownPipelineIsUsageErrorNamingKnownOnes() {
        Result r = fermion("compile", "nope");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no pipeline named 'nope'").contains("squares");
    }

    @Test
    void unknownClassIsUsageError() {
        Result r = fermion("graph", "com.example.Missing");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("class 'com.example.Missing' is not on the classpath");
    }

    @Test
    void badKindIsUsageError() {
        Result r = fermion("compile", "squares", "--kind", "job");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--kind must be workflow, template or cron");
    }

    @Test
    void cronWithoutScheduleIsUsageError() {
        Result r = fermion("compile", "squares", "--kind", "cron");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).containsIgnoringCase("schedule");
    }

    @Test
    void unknownParameterIsUsageError() {
        Result r = fermion("compile", "squares", "-p", "nope=1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("nope");
    }

    @Test
    void wrongParameterTypeIsUsageError() {
        Result r = fermion("compile", "squares", "-p", "limit=ten");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("limit").contains("Integer");
    }

    @Test
    void malformedParameterIsUsageError() {
        Result r = fermion("compile", "squares", "-p", "limit");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("-p expects NAME=VALUE");
    }

    @Test
    void missingClasspathEntryIsUsageError() {
        Result r = fermion("list", "--classpath", "/no/such/dir");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--classpath entry '/no/such/dir' does not exist");
    }

    @Test
    void unknownCommandIsUsageError() {
        Result r = fermion("frobnicate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).doesNotContain("Did you mean");
    }

    @Test
    void mistypedCommandGetsTheClosestCommand() {
        Result r = fermion("trian", "iris");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("Unmatched arguments from index 0: 'trian', 'iris'")
                .contains("Did you mean: fermion run?")
                .contains("Try 'fermion --help'.");

        assertThat(fermion("runs", "lsit").err()).contains("Did you mean: fermion runs list?");
        assertThat(fermion("complie", "iris").err()).contains("Did you mean: fermion compile?");
    }

    @Test
    void topLevelHelpListsEveryCommandAsTheFullCommandLineDoes() {
        Result lazy = fermion("--help");
        assertThat(lazy.exit()).isZero();
        CommandLine full = FermionCli.commandLine();
        StringWriter out = new StringWriter();
        full.setOut(new PrintWriter(out, true));
        assertThat(full.execute("--help")).isZero();
        assertThat(lazy.out())
                .isEqualTo(out.toString())
                .contains("  run        Run a pipeline on this machine with the semantics it has on Argo.")
                .contains("  help       Display help information about the specified command.");
    }

    @Test
    void helpCommandShowsTheUsageOfTheCommandItNames() {
        Result r = fermion("help", "compile");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: fermion compile").contains("--kind=KIND");
    }

    @Test
    void suggestedCommandsAreTheOnesTheUserTyped(@TempDir Path home) {
        System.setProperty(Invocation.PROPERTY, "./fermion");
        try {
            Result unknown = fermion("compile", "nope");
            assertThat(unknown.err()).contains("Run './fermion list' to see them");
            Result usage = fermion("trian");
            assertThat(usage.err()).contains("Did you mean: ./fermion run?").contains("Try './fermion --help'.");
            Result run = fermion("runs", "show", "20200101-000000-abcdef", "--home", home.toString());
            assertThat(run.exit()).isEqualTo(FermionCli.USAGE);
            assertThat(run.err())
                    .contains("no run with id '20200101-000000-abcdef'", "; './fermion runs list' shows the ids");
            Result image = fermion("image");
            assertThat(image.err()).contains("Missing command: try './fermion image build --help'");
        } finally {
            System.clearProperty(Invocation.PROPERTY);
        }
    }

    @Test
    void noCommandIsUsageError() {
        Result r = fermion();
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Missing command");
    }
}
