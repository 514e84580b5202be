package dev.fermion.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.runtime.local.Gpus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunCommandTest {
    private static final String GREETING = RunSamples.Greeting.class.getName();
    private static final String BROKEN = RunSamples.Broken.class.getName();
    private static final Pattern RUN_ID = Pattern.compile("Run (\\d{8}-\\d{6}-[0-9a-f]{6}) of pipeline");

    @TempDir
    Path home;

    record Result(int exit, String out, String err) {
        String runId() {
            Matcher m = RUN_ID.matcher(out);
            assertThat(m.find()).as("run id in: " + out).isTrue();
            return m.group(1);
        }
    }

    private Result fermion(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--home", home.toString()));
        CliTest.Result r = CliTest.fermion(all.toArray(String[]::new));
        return new Result(r.exit(), r.out(), r.err());
    }

    @Test
    void runPrintsTheRunIdPlainProgressAndASummary() {
        Result r = fermion("run", GREETING, "-p", "who=fermion", "-p", "times=2");

        assertThat(r.exit()).as(r.err()).isZero();
        String runId = r.runId();
        assertThat(r.out())
                .contains("  greet ")
                .contains("running")
                .contains("succeeded")
                .contains("Run " + runId + " succeeded in")
                .as("the pipeline's declared results, so that nobody needs 'runs show' for them")
                .contains("Results: greeting = hello hello fermion hello fermion\n");
        assertThat(r.out()).doesNotContain("\u001b[");

        Result again = fermion("run", GREETING, "-p", "who=fermion", "-p", "times=2");
        assertThat(again.out()).contains("cached").contains("(2 steps, 2 cached)");
    }

    @Test
    void aStepThatAsksForAGpuRunsOnTheCpuHereWithAWarning() {
        assumeFalse(Gpus.present(), "this machine has a GPU");
        Result r = fermion("run", RunSamples.AsksForGpu.class.getName());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err())
                .contains("fermion: warning: this machine has no GPU, so these steps run on the CPU: "
                        + "step 'greet' asks for 1 GPU");
        assertThat(r.out()).contains("succeeded");
    }

    @Test
    void aStepWhoseComponentRequiresAGpuStopsTheRunBeforeItStartsHere() {
        assumeFalse(Gpus.present(), "this machine has a GPU");
        Result r = fermion("run", RunSamples.RequiresGpu.class.getName());

        assertThat(r.exit()).isEqualTo(FermionCli.USAGE);
        assertThat(r.err())
                .contains("pipeline 'requires-gpu': step 'cuda' requires a GPU, and this machine has none")
                .doesNotContain("asks for");
        assertThat(r.out()).doesNotContain("succeeded");
    }

    @Test
    void aRerunSaysWhatRanAgainAndWhy() {
        fermion("run", RunSamples.Notifying.class.getName());
        Result again = fermion("run", RunSamples.Notifying.class.getName());

        assertThat(again.out())
                .contains("(2 steps, 1 cached)")
                .contains(
                        "Ran: notify (never cached: it acts outside the pipeline, mounts a claim writable, or asks noCache())")
                .doesNotContain("Ran: greet");
    }

    @Test
    void runsListAndShowDescribeRunsAsTextAndJson() throws Exception {
        String runId = fermion("run", GREETING).runId();

        Result list = fermion("runs", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out())
                .contains("RUN ID")
                .contains(runId)
                .contains("greeting")
                .contains("Succeeded");
        String[] lines = list.out().split("\n");
        assertThat(lines[1].substring(lines[0].indexOf("STARTED")))
                .as("started to the second, under its header")
                .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  .*");
        assertThat(lines[1].length())
                .as("the duration ends where its header does")
                .isEqualTo(lines[0].length());

        JsonNode rows =
                new ObjectMapper().readTree(fermion("runs", "list", "--json").out());
        assertThat(rows.get(0).get("runId").asText()).isEqualTo(runId);
        assertThat(rows.get(0).get("status").asText()).isEqualTo("Succeeded");

        Result show = fermion("runs", "show", runId);
        assertThat(show.exit()).isZero();
        assertThat(show.out())
                .contains("Pipeline   greeting")
                .contains("output greeting = hello world")
                .contains("attempts 1")
                .contains("log " + home);

        JsonNode record = new ObjectMapper()
                .readTree(fermion("runs", "show", runId, "--json").out());
        JsonNode echo = record.get("steps").get("echo");
        assertThat(echo.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(echo.get("outputs").get("greeting").asText()).isEqualTo("hello hello world");
        assertThat(echo.get("attempts").get(0).get("logFile").asText()).startsWith(home.toString());
    }

    @Test
    void aFailingRunExitsOneWithTheLogTailAndTheResumeCommand() {
        Result r = fermion("run", BROKEN);

        assertThat(r.exit()).isEqualTo(1);
        String runId = r.runId();
        assertThat(r.err())
                .contains("Step 'explode' failed: step 'explode' (RunSamples.Explode) failed: "
                        + "IllegalStateException: the reactor is on fire")
                .contains("  | working on line 30 for hello you")
                .doesNotContain("working on line 1 for")
                .contains("Resume with: fermion run --resume " + runId);

        Result resumed = fermion("run", "--resume", runId);
        assertThat(resumed.exit()).isEqualTo(1);
        assertThat(resumed.out()).contains("Resuming run " + runId).contains("done before");
    }

    @Test
    void anInputNoRetryCanFixFailsAtOnceWithOneMessageAndNoStackTrace() {
        Result r = fermion("run", RunSamples.MissingFile.class.getName(), "-p", "path=" + home.resolve("iris.csv"));

        assertThat(r.exit()).isEqualTo(1);
        String message = "cannot use its input: no such file: " + home.resolve("iris.csv");
        assertThat(r.err())
                .contains("Step 'read' failed: step 'read' (RunSamples.ReadCsv) " + message)
                .contains("Retrying cannot help: fix the input and run again.")
                .doesNotContain("Resume with")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertThat(r.err().split(Pattern.quote(message), -1))
                .as("the message, once")
                .hasSize(2);
        assertThat(r.out()).doesNotContain("attempt 2");
    }

    /** A run whose runner died reads the same in every view: interrupted, with nothing still "running". */
    @Test
    void aRunWhoseRunnerDiedIsInterruptedInTheListAndInItsJson() throws Exception {
        String runId = fermion("run", GREETING).runId();
        Path record = home.resolve("runs").resolve(runId).resolve("run.json");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(record.toFile());
        json.put("status", "RUNNING").put("runnerPid", gone.pid()).putNull("finishedAt");
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("steps").get("echo")).put("status", "RUNNING");
        Files.writeString(record, json.toString());
        Files.deleteIfExists(home.resolve("runs").resolve(runId).resolve("steps.jsonl"));

        JsonNode rows =
                new ObjectMapper().readTree(fermion("runs", "list", "--json").out());
        JsonNode shown = new ObjectMapper()
                .readTree(fermion("runs", "show", runId, "--json").out());

        assertThat(rows.get(0).get("status").asText()).isEqualTo("Interrupted");
        assertThat(shown.get("status").asText()).isEqualTo("INTERRUPTED");
        assertThat(shown.get("steps").get("echo").get("status").asText()).isEqualTo("ERROR");
        assertThat(shown.get("steps").get("greet").get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(fermion("runs", "show", runId).out()).contains("Status     Interrupted");
    }

    @Test
    void aRunWarnsThatKubernetesVolumesAreNotMountedLocally() {
        Result r = fermion("run", "dev.fermion.cli.SamplePipelines$WithVolume");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: local runs do not mount Kubernetes volumes", "step 'only' mounts /data");
        assertThat(fermion("run", GREETING).err()).doesNotContain("Kubernetes volumes");
    }

    @Test
    void badUsageExitsTwoWithOneClearLineAndRunsNothing() {
        Result unknown = fermion("run", GREETING, "-p", "whom=x");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err())
                .startsWith("fermion: pipeline greeting has no parameter 'whom'; its parameters are [who, times]");

        Result wrongType = fermion("run", GREETING, "-p", "times=often");
        assertThat(wrongType.exit()).isEqualTo(2);
        assertThat(wrongType.err()).contains("parameter 'times' of pipeline greeting expects Integer");

        assertThat(fermion("run", GREETING, "--isolation", "pod").err())
                .contains("use in-process, process or container");
        Result image = fermion("run", GREETING, "--image", "python:3.12-slim");
        assertThat(image.exit()).isEqualTo(2);
        assertThat(image.err()).contains("--image: 'python:3.12-slim' is not IMAGE=REPLACEMENT");
        Result hostContainer = fermion("run", GREETING, "--isolation", "container", "--container-runtime", "host");
        assertThat(hostContainer.exit()).isEqualTo(2);
        assertThat(hostContainer.err())
                .contains("--isolation container runs Java steps in their image", "--container-runtime host cannot");
        Result kubeconfig = fermion(
                "run",
                GREETING,
                "--kubeconfig",
                home.resolve("no-such-kubeconfig").toString());
        assertThat(kubeconfig.exit()).isEqualTo(2);
        assertThat(kubeconfig.err()).contains("--kubeconfig: " + home.resolve("no-such-kubeconfig") + " is not a file");
        assertThat(fermion("run").exit()).isEqualTo(2);
        assertThat(fermion("run", "--resume", "20200101-000000-abcdef").err())
                .contains("no run with id '20200101-000000-abcdef'");
        assertThat(fermion("runs", "show", "nope").exit()).isEqualTo(2);
        assertThat(home.resolve("runs")).doesNotExist();
    }

    @Test
    void aCorruptRecordIsReportedAndKept() throws Exception {
        Path record = Files.createDirectories(home.resolve("runs/20260101-000000-000000"))
                .resolve("run.json");
        Files.writeString(record, "not json");

        Result show = fermion("runs", "show", "20260101-000000-000000");
        assertThat(show.exit()).isEqualTo(2);
        assertThat(show.err()).contains("is corrupt");
        Result list = fermion("runs", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.err()).contains("warning").contains("is corrupt");
        assertThat(record).hasContent("not json");
    }

    @Test
    void processIsolationRunsTheSamePipeline() {
        Result r = fermion("run", GREETING, "--isolation", "process", "--no-cache", "--parallelism", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("(process, parallelism 1, no cache)");
    }

    @Test
    void stepsSeeTheHomeGivenWithHomeInEitherIsolation() throws Exception {
        for (String isolation : List.of("in-process", "process")) {
            Result r = fermion("run", RunSamples.HomeReport.class.getName(), "--isolation", isolation, "--no-cache");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode record = new ObjectMapper()
                    .readTree(fermion("runs", "show", r.runId(), "--json").out());
            assertThat(record.findValue("outputs").toString())
                    .as(isolation)
                    .contains(home.toAbsolutePath().toString());
        }
        assertThat(System.getProperty(dev.fermion.contract.Home.PROPERTY))
                .as("the property is put back")
                .isNull();
    }

    @Test
    void runAndRunsHaveHelp() {
        CommandLine cli = FermionCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("run", "--help")).isZero();
        assertThat(out.toString())
                .contains("Usage: fermion run")
                .contains("--resume=RUN_ID")
                .contains("--isolation=MODE")
                .contains("--image=IMAGE=LOCAL", "python:3.12-slim=localhost/python:3", "--runtime-image=IMAGE");
        assertThat(cli.execute("runs", "show", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: fermion runs show");
    }
}
