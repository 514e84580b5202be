package dev.fermion.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The options Podman gets on a machine like this one: a hybrid cgroup v1 layout, where crun fails with
 * "cgroups in hybrid mode not supported" (what {@code podman info} and the hard limits say there is the input).
 */
class EngineSettingsTest {
    private static EngineSettings.Host host(String runtime, boolean root, long files, long processes) {
        return new EngineSettings.Host(
                runtime, "v1", true, true, root, OptionalLong.of(files), OptionalLong.of(processes));
    }

    @Test
    void crunOnAHybridLayoutIsReplacedByRunc() {
        assertThat(EngineSettings.podman(host("crun", false, 20_000, 96_368))).containsExactly("--runtime", "runc");
        assertThat(EngineSettings.podman(host("/usr/bin/crun", false, 20_000, 96_368)))
                .containsExactly("--runtime", "runc");
    }

    @Test
    void runcAndUnifiedCgroupsNeedNoRuntimeOption() {
        assertThat(EngineSettings.podman(host("runc", false, 20_000, 96_368))).isEmpty();
        assertThat(EngineSettings.podman(new EngineSettings.Host(
                        "crun", "v2", true, true, false, OptionalLong.empty(), OptionalLong.empty())))
                .isEmpty();
    }

    @Test
    void crunWithoutRuncIsASetupErrorThatSaysWhatToInstall() {
        assertThatThrownBy(() -> EngineSettings.podman(new EngineSettings.Host(
                        "crun", "v1", true, false, false, OptionalLong.empty(), OptionalLong.empty())))
                .isInstanceOf(ContainerSetupException.class)
                .hasMessageContaining("hybrid cgroup v1")
                .hasMessageContaining("apt-get install runc");
    }

    @Test
    void asRootTheLimitsStayWithinTheHardLimits() {
        assertThat(EngineSettings.podman(host("runc", true, 20_000, 96_368)))
                .containsExactly("--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096");
        assertThat(EngineSettings.podman(host("runc", true, 1_024, 512)))
                .containsExactly("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=512:512");
        assertThat(EngineSettings.podman(new EngineSettings.Host(
                        "runc", "v1", true, true, true, OptionalLong.empty(), OptionalLong.empty())))
                .containsExactly("--ulimit", "nofile=65536:65536", "--ulimit", "nproc=4096:4096");
    }

    @Test
    void thisMachineIsReadFromProcAndPodmanInfo() {
        EngineSettings.Host here = EngineSettings.host("runc v1", java.util.List.of());
        assertThat(here.ociRuntime()).isEqualTo("runc");
        assertThat(here.cgroupsVersion()).isEqualTo("v1");
        assertThat(here.hardFiles()).isPresent();
        assertThat(here.hardProcesses()).isPresent();
    }
}
