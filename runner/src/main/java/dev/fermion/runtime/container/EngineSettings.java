package dev.fermion.runtime.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The options an engine needs on this machine before any container can start, found out here rather than
 * asked of the user or of a {@code containers.conf} (runtime-image/engine.sh applies the same rules for
 * build.sh):
 * <ul>
 *   <li>Podman's default runtime crun refuses a hybrid cgroup v1 layout (a cgroup2 hierarchy mounted beside
 *       the v1 controllers) with "cgroups in hybrid mode not supported"; runc runs there:
 *       {@code --runtime runc}.</li>
 *   <li>Rootful Podman raises the containers' open-files and process limits to its own defaults (about a
 *       million), and where this machine's hard limits are lower every container fails in setrlimit
 *       ("Operation not permitted"): {@code --ulimit} within the hard limits (open files: the hard limit, at
 *       most {@value #MAX_FILES}; processes: at most {@value #MAX_PROCESSES}, plenty for a step's threads).</li>
 * </ul>
 * Docker's daemon applies its own configuration and gets no options.
 */
final class EngineSettings {
    static final long MAX_FILES = 65_536;
    static final long MAX_PROCESSES = 4_096;

    /** What decides the settings: what {@code podman info} says and what this machine is. */
    record Host(
            String ociRuntime,
            String cgroupsVersion,
            boolean cgroup2Mounted,
            boolean runcInstalled,
            boolean root,
            OptionalLong hardFiles,
            OptionalLong hardProcesses) {}

    private EngineSettings() {}

    /**
     * The options for Podman on {@code host}.
     *
     * @throws ContainerSetupException when crun cannot run here and runc is not installed
     */
    static List<String> podman(Host host) {
        List<String> options = new ArrayList<>();
        String runtime = host.ociRuntime() == null
                ? ""
                : Path.of(host.ociRuntime()).getFileName().toString();
        if (runtime.startsWith("crun") && "v1".equals(host.cgroupsVersion()) && host.cgroup2Mounted()) {
            if (!host.runcInstalled()) {
                throw new ContainerSetupException("Podman's runtime crun cannot start containers on this machine's "
                        + "hybrid cgroup v1 layout (\"cgroups in hybrid mode not supported\"), and runc, which can, is "
                        + "not installed: install it (apt-get install runc), or run scripts/setup-containers.sh");
            }
            options.addAll(List.of("--runtime", "runc"));
        }
        if (host.root()) {
            long files = Math.min(host.hardFiles().orElse(MAX_FILES), MAX_FILES);
            long processes = Math.min(host.hardProcesses().orElse(MAX_PROCESSES), MAX_PROCESSES);
            options.addAll(List.of(
                    "--ulimit", "nofile=" + files + ":" + files, "--ulimit", "nproc=" + processes + ":" + processes));
        }
        return List.copyOf(options);
    }

    /** This machine, with {@code info} the output of {@code podman info --format INFO_FORMAT}. */
    static Host host(String info, List<Path> searchPath) {
        String[] words = info == null ? new String[0] : info.trim().split("\\s+");
        return new Host(
                words.length > 0 ? words[0] : "",
                words.length > 1 ? words[1] : "",
                cgroup2Mounted(),
                runcInstalled(searchPath),
                isRoot(),
                hardLimit("Max open files"),
                hardLimit("Max processes"));
    }

    /** The {@code podman info} format giving the runtime's name and the cgroups version. */
    static final String INFO_FORMAT = "{{.Host.OCIRuntime.Name}} {{.Host.CgroupsVersion}}";

    /** Whether this process runs as root, like a rootful engine (and Docker's daemon) does. */
    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean cgroup2Mounted() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8).stream()
                    .anyMatch(line -> line.contains(" - cgroup2 "));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean runcInstalled(List<Path> searchPath) {
        List<Path> dirs = new ArrayList<>(searchPath);
        dirs.addAll(List.of(
                Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/usr/local/sbin")));
        return dirs.stream().map(dir -> dir.resolve("runc")).anyMatch(Files::isExecutable);
    }

    /** The hard limit in {@code /proc/self/limits} on the line starting with {@code name}; empty when unlimited. */
    private static OptionalLong hardLimit(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"), StandardCharsets.UTF_8)) {
                if (line.startsWith(name)) {
                    String[] fields = line.substring(name.length()).trim().split("\\s+");
                    return fields.length > 1 && fields[1].chars().allMatch(Character::isDigit)
                            ? OptionalLong.of(Long.parseLong(fields[1]))
                            : OptionalLong.empty();
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
