package dev.fermion.runtime.local;

import dev.fermion.contract.CacheKey;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * A class-data sharing archive for the JVMs that process isolation starts, one per step: most of a no-op
 * step's time in its own JVM is loading and verifying the launcher's classes (Jackson, the DSL, the
 * components), which the JVM maps ready-made from an archive instead.
 *
 * <p>The archive is made from what steps really load: until it exists, every launch records the classes it
 * loads ({@code -XX:DumpLoadedClassList}); when the run ends ({@link #build}), the lists are merged and dumped
 * once ({@code -Xshare:dump}). Later launches on the same JDK and jars map it. Java 17 dumps no class from a
 * directory and refuses a class path holding a non-empty one, as a user's {@code target/classes} is, so the
 * archive covers the leading run of jar files of the class path and is dumped with only those; the JVM maps
 * it for any class path that starts with them, which is why the launcher's own jars come first. An archive
 * that cannot be made is noted, and steps run as before without one, as they do on a JVM other than HotSpot.
 */
final class LauncherArchive {
    /** One dump at a time per archive in this JVM; separate processes each dump to a file of their own. */
    private static final Set<Path> BUILDING = ConcurrentHashMap.newKeySet();

    private static final long DUMP_TIMEOUT_MINUTES = 5;

    /** Archives kept per directory: this class path's and those of the two most recent others. */
    private static final int KEPT = 3;

    private final List<String> jars;
    private final Path archive;
    private final Path failed;
    private final Path lists;

    private LauncherArchive(List<String> jars, Path directory, String key) {
        this.jars = jars;
        this.archive = directory.resolve(key + ".jsa");
        this.failed = directory.resolve(key + ".failed");
        this.lists = directory.resolve(key + ".lists");
    }

    /**
     * The archive for launchers started with {@code classpath}, kept under {@code directory}; none (empty
     * options) when the class path does not start with a jar.
     */
    static LauncherArchive of(List<String> classpath, Path directory) {
        List<String> jars = new ArrayList<>();
        StringBuilder identity = new StringBuilder()
                .append(System.getProperty("java.home"))
                .append('\n')
                .append(System.getProperty("java.vm.version"))
                .append('\n');
        // The options are HotSpot's; another JVM (OpenJ9 has its own class sharing) would refuse to start on them.
        boolean hotSpot = System.getProperty("java.vm.name", "").matches(".*(HotSpot|Server VM|Client VM).*");
        for (String entry : hotSpot ? classpath : List.<String>of()) {
            Path path = Path.of(entry);
            if (!entry.endsWith(".jar") || !Files.isRegularFile(path) || namesDirectories(path)) {
                break;
            }
            jars.add(entry);
            // A rebuilt jar makes another archive: the JVM would refuse the old one as a mismatch anyway.
            identity.append(path.toAbsolutePath())
                    .append(' ')
                    .append(size(path))
                    .append(' ')
                    .append(path.toFile().lastModified())
                    .append('\n');
        }
        return new LauncherArchive(
                jars, directory, CacheKey.sha256(identity.toString()).substring(0, 16));
    }

    /** The JVM options for the next launch: map the archive, or record classes for making it. */
    List<String> jvmOptions() {
        if (jars.isEmpty() || Files.exists(failed)) {
            return List.of();
        }
        if (Files.isRegularFile(archive)) {
            // Quiet, so that a refused archive (a jar replaced while a run goes) costs time, not a line in the step's
            // log.
            return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off");
        }
        try {
            Files.createDirectories(lists);
        } catch (IOException e) {
            return List.of();
        }
        return List.of("-XX:DumpLoadedClassList=" + lists.resolve(UUID.randomUUID() + ".lst"));
    }

    /**
     * Dumps the archive from the classes the launches recorded, if there is none yet: called as a run ends,
     * once its steps have loaded what they load. Blocking; a few seconds, once per JDK and set of jars.
     */
    void build(String javaBinary) {
        if (jars.isEmpty() || Files.exists(archive) || !Files.isDirectory(lists) || !BUILDING.add(archive)) {
            return;
        }
        Path classList = archive.resolveSibling(archive.getFileName() + "." + UUID.randomUUID() + ".classes");
        Path dumped = archive.resolveSibling(archive.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Path log = archive.resolveSibling(archive.getFileName() + ".log");
        try {
            if (!mergeLists(classList)) {
                return;
            }
            List<String> command = List.of(
                    javaBinary,
                    "-Xshare:dump",
                    "-XX:SharedClassListFile=" + classList,
                    "-XX:SharedArchiveFile=" + dumped,
                    "-cp",
                    String.join(File.pathSeparator, jars));
            Process dump = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean ended = dump.waitFor(DUMP_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            if (!ended) {
                dump.destroyForcibly();
            }
            if (ended && dump.exitValue() == 0 && Files.size(dumped) > 0) {
                Files.move(dumped, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                deleteLists();
                pruneOlderArchives();
            } else {
                Files.writeString(failed, "see " + log + System.lineSeparator(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            try {
                Files.writeString(failed, e + System.lineSeparator(), StandardCharsets.UTF_8);
            } catch (IOException ignored) {
                // Without the note the next run records and tries again, which costs time, not correctness.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            BUILDING.remove(archive);
            deleteQuietly(classList);
            deleteQuietly(dumped);
        }
    }

    /** Every recorded class once, in the order first seen; false when nothing was recorded. */
    private boolean mergeLists(Path classList) throws IOException {
        Set<String> classes = new LinkedHashSet<>();
        try (Stream<Path> recorded = Files.list(lists)) {
            for (Path list : recorded.sorted().toList()) {
                classes.addAll(Files.readAllLines(list, StandardCharsets.UTF_8));
            }
        }
        classes.removeIf(String::isBlank);
        if (classes.isEmpty()) {
            return false;
        }
        Files.write(classList, classes, StandardCharsets.UTF_8);
        return true;
    }

    private void deleteLists() throws IOException {
        try (Stream<Path> recorded = Files.list(lists)) {
            for (Path list : recorded.toList()) {
                Files.deleteIfExists(list);
            }
        }
        Files.deleteIfExists(lists);
    }

    /**
     * Keeps the {@value #KEPT} newest archives of the directory: each rebuild of the jars makes another (tens of
     * megabytes), and an archive of jars that are gone or changed is never mapped again.
     */
    private void pruneOlderArchives() throws IOException {
        List<Path> archives;
        try (Stream<Path> files = Files.list(archive.getParent())) {
            archives = files.filter(f -> f.getFileName().toString().endsWith(".jsa"))
                    .sorted(Comparator.comparing((Path f) -> f.toFile().lastModified())
                            .reversed())
                    .toList();
        }
        for (Path old : archives.subList(Math.min(KEPT, archives.size()), archives.size())) {
            if (!old.equals(archive)) {
                deleteQuietly(old);
                deleteQuietly(old.resolveSibling(old.getFileName() + ".log"));
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A stray temporary file in the archive directory; the next build writes another name.
        }
    }

    /**
     * Whether the jar's manifest adds a directory to the class path, as the manifest-only jar a forked test JVM
     * starts from does: the JVM follows it, and would refuse the dump for it.
     */
    private static boolean namesDirectories(Path jar) {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Manifest manifest = file.getManifest();
            String classPath =
                    manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            return classPath != null && Arrays.stream(classPath.split(" ")).anyMatch(e -> e.endsWith("/"));
        } catch (IOException e) {
            return true;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
