package dev.fermion.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fermion.contract.ImageMap;
import dev.fermion.contract.LaunchSpec;
import dev.fermion.dsl.Pipeline;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.runtime.container.ToolFixtures.Annotate;
import dev.fermion.runtime.container.ToolFixtures.Consume;
import dev.fermion.runtime.container.ToolFixtures.CountLines;
import dev.fermion.runtime.container.ToolFixtures.Entrypoint;
import dev.fermion.runtime.container.ToolFixtures.Fail;
import dev.fermion.runtime.container.ToolFixtures.Produce;
import dev.fermion.runtime.container.ToolFixtures.WrongType;
import dev.fermion.runtime.launch.ContentDigest;
import dev.fermion.runtime.launch.StepLauncher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container and script steps in host mode, run for real with {@code sh} and {@code python3}, exchanging
 * parameters and artifacts with Java components run by the step launcher, as the local runner does.
 */
class HostModeTest {
    @TempDir
    Path dir;

    private final ContainerStepRunner host = new ContainerStepRunner(ContainerRuntime.HOST, ImageMap.NONE);

    @Test
    void javaContainerScriptAndJavaStepsPassParametersAndArtifactsBothWays() throws Exception {
        Plan plan = Pipeline.named("tools")
                .define(p -> {
                    var produce = p.step("produce", new Produce()).with(Produce.ROWS, 3);
                    var count = p.step("count", new CountLines())
                            .with(CountLines.DATA, produce.out(Produce.DATA))
                            .with(CountLines.LABEL, produce.out(Produce.LABEL));
                    var annotate = p.step("annotate", new Annotate())
                            .with(Annotate.LINES, count.out(CountLines.LINES))
                            .with(Annotate.COPY, count.out(CountLines.COPY));
                    p.step("consume", new Consume())
                            .with(Consume.REPORT, annotate.out(Annotate.REPORT))
                            .with(Consume.SUMMARY, annotate.out(Annotate.SUMMARY));
                })
                .plan();

        Path produced = dir.resolve("produce");
        launch(new LaunchSpec(
                Produce.class.getName(),
                "tools",
                "produce",
                "r1",
                0,
                Map.of("rows", "3"),
                Map.of(),
                Map.of("label", produced.resolve("label").toString()),
                Map.of("data", produced.resolve("data").toString()),
                null));
        String label = Files.readString(produced.resolve("label"));

        ContainerStepResult counted =
                host.run(step(plan, "count", Map.of("label", label), Map.of("data", produced.resolve("data"))));
        assertThat(counted.succeeded()).as(counted.message()).isTrue();
        assertThat(counted.params()).containsExactly(Map.entry("lines", "3"));
        Path copy = counted.artifacts().get("copy");
        assertThat(Files.readString(copy.resolve("rows.csv"))).isEqualTo("1,x\n2,x\n3,x\n");
        assertThat(Files.readString(copy.resolve("label.txt"))).isEqualTo("it's \"quoted\"; $HOME `no` shell");
        assertThat(Files.readString(copy.resolve("greeting.txt"))).isEqualTo("hello it's \"quoted\"; $HOME `no` shell");
        assertThat(counted.digests().get("copy")).isEqualTo(ContentDigest.of(copy));

        ContainerStepResult annotated =
                host.run(step(plan, "annotate", Map.of("lines", counted.params().get("lines")), Map.of("copy", copy)));
        assertThat(annotated.succeeded()).as(annotated.message()).isTrue();
        assertThat(annotated.params()).containsExactly(Map.entry("summary", "rows=3"));

        Path consumed = dir.resolve("consume");
        launch(new LaunchSpec(
                Consume.class.getName(),
                "tools",
                "consume",
                "r1",
                0,
                Map.of("summary", annotated.params().get("summary")),
                Map.of("report", annotated.artifacts().get("report").toString()),
                Map.of("result", consumed.resolve("result").toString()),
                Map.of(),
                null));
        assertThat(Files.readString(consumed.resolve("result")))
                .isEqualTo("rows=3 / it's \"quoted\"; $HOME `no` shell|3");
    }

    @Test
    void inputArtifactsAreCopiesSoTheCommandCannotChangeTheProducersFiles() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("rows.csv"), "1\n");
        ContainerStepResult result = host.run(step(countPlan(), "count", Map.of("label", "l"), Map.of("data", data)));

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(result.artifacts().get("copy")).startsWith(dir.resolve("steps/count"));
        try (var files = Files.list(data)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("rows.csv");
        }
    }

    @Test
    void aFailingCommandReportsItsExitStatusAndKeepsItsLog() throws Exception {
        Plan plan = Pipeline.named("tools")
                .define(p -> p.step("fail", new Fail()).with(Fail.STATUS, 3))
                .plan();
        ContainerStep step = step(plan, "fail", Map.of("status", "3"), Map.of());

        ContainerStepResult result = host.run(step);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.message())
                .contains(
                        "pipeline 'tools', step 'fail'",
                        "exited with status 3",
                        step.logFile().toString());
        assertThat(Files.readString(step.logFile())).contains("failing");
    }

    @Test
    void aMissingOrIllTypedParameterOutputFailsTheStepNamingTheOutput() throws Exception {
        Plan plan = Pipeline.named("tools")
                .define(p -> p.step("wrong", new WrongType()))
                .plan();

        ContainerStepResult result = host.run(step(plan, "wrong", Map.of(), Map.of()));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.message()).contains("step 'wrong'", "output 'number' is not a valid Integer", "twelve");
    }

    @Test
    void hostModeRefusesAStepThatReliesOnTheImageEntrypoint() {
        Plan plan = Pipeline.named("tools")
                .define(p -> p.step("tool", new Entrypoint()))
                .plan();

        var e = assertThrows(ContainerSetupException.class, () -> host.run(step(plan, "tool", Map.of(), Map.of())));

        assertThat(e.getMessage()).contains("step 'tool'", "ghcr.io/acme/tool:1", "ContainerCommand.command(...)");
    }

    private Plan countPlan() {
        return Pipeline.named("tools")
                .define(p -> {
                    var produce = p.step("produce", new Produce()).with(Produce.ROWS, 1);
                    p.step("count", new CountLines())
                            .with(CountLines.DATA, produce.out(Produce.DATA))
                            .with(CountLines.LABEL, "l");
                })
                .plan();
    }

    private ContainerStep step(Plan plan, String name, Map<String, String> params, Map<String, Path> artifacts)
            throws Exception {
        Node.ContainerNode node = (Node.ContainerNode) plan.graph().node(name).orElseThrow();
        Path stepDir = Files.createDirectories(dir.resolve("steps").resolve(name));
        return new ContainerStep(plan.name(), node, params, artifacts, stepDir, dir.resolve(name + ".log"));
    }

    private static void launch(LaunchSpec spec) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        int exit = StepLauncher.run(spec.toArgs(), HostModeTest.class.getClassLoader(), out, out);
        assertThat(exit)
                .as("launcher log: %s", log.toString(StandardCharsets.UTF_8))
                .isZero();
    }
}
