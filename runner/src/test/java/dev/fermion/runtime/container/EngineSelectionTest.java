package dev.fermion.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fermion.contract.ImageMap;
import dev.fermion.dsl.Pipeline;
import dev.fermion.plan.Node;
import dev.fermion.runtime.container.ToolFixtures.Entrypoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which engine runs a container step. A PATH holding a {@code docker} whose {@code info} fails stands for
 * the common case of a Docker CLI without a running daemon.
 */
class EngineSelectionTest {
    @TempDir
    Path dir;

    @Test
    void autoWithoutAWorkingEngineFailsAndSaysHowToProceed() throws Exception {
        Path bin = fakeCli("docker", 1);
        ContainerStepRunner runner = new ContainerStepRunner(ContainerRuntime.AUTO, Map.of("PATH", bin.toString()));

        var e = assertThrows(ContainerSetupException.class, () -> runner.run(step()));

        assertThat(e.getMessage())
                .contains(
                        "pipeline 'tools', step 'tool'",
                        "ghcr.io/acme/tool:1",
                        "docker (" + bin.resolve("docker") + ") is installed but 'docker info' fails",
                        "podman is not on the PATH",
                        "--container-runtime host");
        assertThat(ContainerSetupException.EXIT_CODE).isEqualTo(2);
    }

    @Test
    void anEngineAskedForByNameMustWork() throws Exception {
        ContainerStepRunner runner = new ContainerStepRunner(ContainerRuntime.PODMAN, Map.of("PATH", dir.toString()));

        var e = assertThrows(ContainerSetupException.class, () -> runner.run(step()));

        assertThat(e.getMessage())
                .contains("--container-runtime podman", "podman is not on the PATH", "--container-runtime host");
    }

    @Test
    void autoPicksAWorkingEngine() throws Exception {
        Path bin = fakeCli("podman", 0);
        EngineSelector selector = new EngineSelector(Map.of("PATH", bin.toString()));

        ContainerStep step = step();
        ContainerEngine engine =
                selector.select(ContainerRuntime.AUTO, step.where(), step.node().image());

        assertThat(engine.kind()).isEqualTo(ContainerRuntime.PODMAN);
        assertThat(engine.cli()).isEqualTo(bin.resolve("podman"));
    }

    @Test
    void anImageThatIsNotHereAndCannotBePulledStopsTheRunNamingTheImageAndTheMapping() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin-offline"));
        Path cli = bin.resolve("podman");
        // An engine without the image and without a registry: inspect fails, pull fails as it does offline.
        Files.writeString(cli, """
                #!/bin/sh
                case "$1" in
                  info) exit 0 ;;
                  image) exit 1 ;;
                  pull) echo "Trying to pull docker.io/acme/tool:1..." >&2
                        echo "Error: initializing source docker://acme/tool:1: no such host" >&2; exit 125 ;;
                esac
                exit 0
                """);
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
        ContainerStepRunner runner = new ContainerStepRunner(
                ContainerRuntime.AUTO,
                Map.of("PATH", bin.toString()),
                ImageMap.parse(java.util.List.of("ghcr.io/acme/tool:1=acme/tool:1")),
                new EngineSelector(Map.of("PATH", bin.toString())));

        var e = assertThrows(ContainerSetupException.class, () -> runner.requireEngine("tools", step().node()));

        assertThat(e.getMessage())
                .contains(
                        "pipeline 'tools', step 'tool' runs image acme/tool:1 (for ghcr.io/acme/tool:1, "
                                + "by --image), which is not in podman's images and cannot be pulled",
                        "no such host",
                        "--image ghcr.io/acme/tool:1=IMAGE",
                        "scripts/setup-containers.sh");
    }

    @Test
    void settingsParseFromTheCommandLine() {
        assertThat(ContainerRuntime.parse("Host")).isEqualTo(ContainerRuntime.HOST);
        var e = assertThrows(IllegalArgumentException.class, () -> ContainerRuntime.parse("lxc"));
        assertThat(e.getMessage()).contains("auto, docker, podman or host");
    }

    /** An executable {@code name} in its own directory that exits with {@code status}. */
    private Path fakeCli(String name, int status) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin-" + name));
        Path cli = bin.resolve(name);
        Files.writeString(cli, "#!/bin/sh\nexit " + status + "\n");
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private ContainerStep step() throws Exception {
        Node.ContainerNode node = (Node.ContainerNode) Pipeline.named("tools")
                .define(p -> p.step("tool", new Entrypoint()))
                .plan()
                .graph()
                .node("tool")
                .orElseThrow();
        return new ContainerStep(
                "tools",
                node,
                Map.of(),
                Map.of(),
                Files.createDirectories(dir.resolve("step")),
                dir.resolve("tool.log"));
    }
}
