package dev.fermion.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.dsl.Pipeline;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.runtime.container.ToolFixtures.Annotate;
import dev.fermion.runtime.container.ToolFixtures.CountLines;
import dev.fermion.runtime.container.ToolFixtures.Produce;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code docker run} command line of a container and a script step. The {@code docker} here is a
 * stand-in executable that answers {@code info} and records the arguments and environment it was given,
 * so the test sees exactly what a real engine would receive.
 */
class EngineCommandTest {
    @TempDir
    Path dir;

    @Test
    void portsAreMountedAtTheirContainerPathsAndEnvironmentValuesStayOutOfTheArguments() throws Exception {
        Path bin = recordingDocker();
        ContainerStepRunner runner =
                new ContainerStepRunner(ContainerRuntime.DOCKER, Map.of("PATH", bin + ":/usr/bin:/bin"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Path stepDir = Files.createDirectories(dir.resolve("count"));

        ContainerStepResult result = runner.run(new ContainerStep(
                "tools",
                node(plan(), "count"),
                Map.of("label", "secret label"),
                Map.of("data", data),
                stepDir,
                dir.resolve("count.log")));

        List<String> argv = Files.readAllLines(dir.resolve("argv"));
        Path root = stepDir.resolve("root");
        // As root (a rootful engine) the command runs as the image user and gets the output directories, as in a
        // pod; otherwise as the owner of the step directory, whose files it writes.
        String user = EngineSettings.isRoot()
                ? "10001:10001"
                : Files.getAttribute(root, "unix:uid") + ":" + Files.getAttribute(root, "unix:gid");
        assertThat(argv)
                .containsSubsequence(
                        "run",
                        "--rm",
                        "--name",
                        "--user",
                        user,
                        "-v",
                        root.resolve("fermion/inputs/data") + ":/fermion/inputs/data:ro",
                        "-v",
                        root.resolve("fermion/outputs/params") + ":/fermion/outputs/params",
                        "-v",
                        root.resolve("fermion/outputs/artifacts/copy") + ":/fermion/outputs/artifacts/copy",
                        "-e",
                        "GREETING",
                        "--entrypoint",
                        "sh",
                        "alpine:3.20",
                        "-c");
        assertThat(argv.subList(argv.size() - 5, argv.size()))
                .containsExactly(
                        "count",
                        "/fermion/inputs/data",
                        "/fermion/outputs/params/lines",
                        "/fermion/outputs/artifacts/copy",
                        "secret label");
        assertThat(argv).noneMatch(a -> a.contains("hello"));
        assertThat(Files.readString(dir.resolve("greeting"))).isEqualTo("hello secret label");
        assertThat(result.succeeded()).as("the stand-in wrote no outputs").isFalse();
        assertThat(result.message()).contains("did not write output 'lines'");
        assertThat(argv.get(argv.indexOf("--name") + 1)).startsWith("fermion-tools-count-");
        if (EngineSettings.isRoot()) {
            assertThat(Files.getAttribute(root.resolve("fermion/outputs/artifacts/copy"), "unix:uid"))
                    .isEqualTo(10001);
        }
    }

    @Test
    void aScriptIsMountedAndRunByItsInterpreter() throws Exception {
        Path bin = recordingDocker();
        ContainerStepRunner runner =
                new ContainerStepRunner(ContainerRuntime.DOCKER, Map.of("PATH", bin + ":/usr/bin:/bin"));
        Path copy = Files.createDirectories(dir.resolve("copy"));
        Path stepDir = Files.createDirectories(dir.resolve("annotate"));

        runner.run(new ContainerStep(
                "tools",
                node(plan(), "annotate"),
                Map.of("lines", "3"),
                Map.of("copy", copy),
                stepDir,
                dir.resolve("annotate.log")));

        List<String> argv = Files.readAllLines(dir.resolve("argv"));
        assertThat(argv)
                .containsSubsequence(
                        "-v",
                        stepDir.resolve("root/fermion/script") + ":/fermion/script:ro",
                        "--entrypoint",
                        "python3",
                        "python:3.12-slim",
                        "/fermion/script");
        assertThat(argv.get(argv.size() - 1)).isEqualTo("/fermion/script");
        assertThat(Files.readString(stepDir.resolve("root/fermion/script"))).contains("import os, pathlib");
    }

    private static Plan plan() {
        return Pipeline.named("tools")
                .define(p -> {
                    var produce = p.step("produce", new Produce()).with(Produce.ROWS, 1);
                    var count = p.step("count", new CountLines())
                            .with(CountLines.DATA, produce.out(Produce.DATA))
                            .with(CountLines.LABEL, produce.out(Produce.LABEL));
                    p.step("annotate", new Annotate())
                            .with(Annotate.LINES, count.out(CountLines.LINES))
                            .with(Annotate.COPY, count.out(CountLines.COPY));
                })
                .plan();
    }

    private static Node.ContainerNode node(Plan plan, String name) {
        return (Node.ContainerNode) plan.graph().node(name).orElseThrow();
    }

    /** A {@code docker} that succeeds for {@code info} and otherwise records its argv and $GREETING. */
    private Path recordingDocker() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path cli = bin.resolve("docker");
        Files.writeString(cli, """
                #!/bin/sh
                [ "$1" = info ] && exit 0
                for a in "$@"; do printf '%%s\\n' "$a"; done > '%s'
                printf '%%s' "${GREETING:-}" > '%s'
                """.formatted(dir.resolve("argv"), dir.resolve("greeting")));
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }
}
