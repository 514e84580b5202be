package dev.fermion.runtime.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.contract.LaunchSpec;
import dev.fermion.runtime.fixtures.Steps;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepLauncherTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int launch(Class<?> component, String... extra) {
        List<String> args = new ArrayList<>(
                List.of("--component", component.getName(), "--pipeline", "p", "--step", "s", "--run-id", "r1"));
        args.addAll(List.of(extra));
        return StepLauncher.run(
                args,
                getClass().getClassLoader(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesParameterOutputs() throws Exception {
        Path y = dir.resolve("params/y");

        int exit = launch(Steps.AddOne.class, "--param", "x=41", "--output-param", "y=" + y);

        assertThat(exit).isEqualTo(StepLauncher.OK);
        assertThat(Files.readString(y)).isEqualTo("42");
    }

    @Test
    void writesArtifactsWithTheirContentDigestAndMetrics() throws Exception {
        Path data = dir.resolve("outputs/artifacts/data");
        Path metrics = dir.resolve("outputs/metrics.jsonl");

        int exit = launch(
                Steps.WriteText.class,
                "--param",
                "text=abc",
                "--output-artifact",
                "data=" + data,
                "--metrics",
                metrics.toString());

        assertThat(exit).isEqualTo(StepLauncher.OK);
        assertThat(data.resolve("text.txt")).hasContent("abc");
        Path digest = dir.resolve("outputs/params/data.digest");
        assertThat(Files.readString(digest)).isEqualTo(ContentDigest.of(data)).startsWith("sha256:");
        assertThat(Files.readString(metrics)).startsWith("{\"key\":\"length\",\"value\":3.0,\"step\":0,\"timestamp\":");
    }

    @Test
    void contentDigestDependsOnNamesAndBytesNotLocation() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a/sub"));
        Path b = Files.createDirectories(dir.resolve("b/sub"));
        Files.writeString(a.resolve("f.txt"), "x");
        Files.writeString(b.resolve("f.txt"), "x");
        assertThat(ContentDigest.of(dir.resolve("a"))).isEqualTo(ContentDigest.of(dir.resolve("b")));
        Files.writeString(b.resolve("f.txt"), "y");
        assertThat(ContentDigest.of(dir.resolve("a"))).isNotEqualTo(ContentDigest.of(dir.resolve("b")));
    }

    @Test
    void unusableInputIsItsOwnExitCodeAndOneLine() {
        int exit = launch(Steps.RejectInput.class, "--output-param", "out=" + dir.resolve("out"));

        assertThat(exit).isEqualTo(StepLauncher.BAD_INPUT).isEqualTo(LaunchSpec.EXIT_BAD_INPUT);
        assertThat(LaunchSpec.retryable(exit)).isFalse();
        assertThat(err())
                .isEqualTo("fermion-step: step 's' (Steps.RejectInput) cannot use its input: input 'data': "
                        + "the split is empty; give the step a data set with rows" + System.lineSeparator());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("BadInputException", "at dev.fermion");
    }

    @Test
    void aMissingFileIsUnusableInputToo() {
        Path missing = dir.resolve("no/such.csv");

        int exit = launch(
                Steps.ReadFile.class, "--param", "path=" + missing, "--output-param", "content=" + dir.resolve("c"));

        assertThat(exit).isEqualTo(StepLauncher.BAD_INPUT);
        assertThat(err())
                .startsWith("fermion-step: step 's' (Steps.ReadFile) cannot use its input: no such file: " + missing);
        assertThat(err().lines()).hasSize(1);
    }

    @Test
    void anOrdinaryFailureMayBeRetried() {
        int exit = launch(Steps.Fail.class, "--output-param", "out=" + dir.resolve("out"));

        assertThat(exit).isEqualTo(StepLauncher.STEP_FAILED);
        assertThat(LaunchSpec.retryable(exit)).isTrue();
    }

    @Test
    void aBadParameterValueNamesThePortAndTheType() {
        int exit = launch(Steps.AddOne.class, "--param", "x=forty", "--output-param", "y=" + dir.resolve("y"));

        assertThat(exit).isEqualTo(StepLauncher.USAGE);
        assertThat(err())
                .startsWith("fermion-step: input 'x' of step 's' expects Integer")
                .contains("'forty'");
        assertThat(err().lines()).hasSize(1);
    }

    @Test
    void anOutputThatWasNotSetFailsTheStep() {
        int exit = launch(Steps.Emit.class, "--param", "value=v");
        assertThat(exit).isEqualTo(StepLauncher.OK);

        int missing = launch(NoOutput.class, "--output-param", "out=" + dir.resolve("out"));
        assertThat(missing).isEqualTo(StepLauncher.STEP_FAILED);
        assertThat(err())
                .contains("did not set output 'out' (String)")
                .contains("ctx.put(StepLauncherTest.NoOutput.OUT, value)");
    }

    @Test
    void aComponentExceptionFailsTheStepWithOneLineAndTheTraceInTheLog() {
        int exit = launch(Steps.Fail.class, "--output-param", "out=" + dir.resolve("out"));

        assertThat(exit).isEqualTo(StepLauncher.STEP_FAILED);
        assertThat(err())
                .isEqualTo(
                        "fermion-step: step 's' (Steps.Fail) failed: IllegalStateException: failing because it had to"
                                + System.lineSeparator());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("at dev.fermion.runtime.fixtures.Steps$Fail.run");
    }

    @Test
    void badUsageExitsWithTwo() {
        assertThat(StepLauncher.run(
                        List.of("--component"),
                        getClass().getClassLoader(),
                        System.out,
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isEqualTo(StepLauncher.USAGE);
        assertThat(launch(Steps.AddOne.class, "--param", "z=1")).isEqualTo(StepLauncher.USAGE);
        assertThat(err()).contains("has no input 'z'; its inputs are [x]");
        assertThat(launch(String.class)).isEqualTo(StepLauncher.USAGE);
        assertThat(err()).contains("is not a Component");
        assertThat(launch(Steps.AddOne.class)).isEqualTo(StepLauncher.USAGE);
        assertThat(err()).contains("input 'x' (Integer) of step 's' has no value and no default: pass --param x=VALUE");
    }

    @Test
    void aMetricListenerHearsEachMetricWhileTheStepRuns() throws Exception {
        CountDownLatch release = Steps.ReportAndWait.nextRelease();
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        LaunchSpec spec = LaunchSpec.parse(List.of(
                "--component",
                Steps.ReportAndWait.class.getName(),
                "--pipeline",
                "p",
                "--step",
                "s",
                "--run-id",
                "r1",
                "--metrics",
                dir.resolve("metrics.jsonl").toString()));

        StepLauncher.launch(
                spec,
                getClass().getClassLoader(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                null,
                (key, value, step, timestamp) -> {
                    heard.add(key + "=" + value + "@" + step);
                    release.countDown();
                });

        assertThat(heard).containsExactly("progress=0.5@1", "progress=1.0@2");
        assertThat(Files.readAllLines(dir.resolve("metrics.jsonl"))).hasSize(2);
    }

    public static final class NoOutput extends dev.fermion.dsl.Component {
        public static final dev.fermion.dsl.Output<String> OUT = output("out", String.class);

        @Override
        protected void run(dev.fermion.dsl.StepContext ctx) {
            ctx.log("forgot to put");
        }
    }
}
