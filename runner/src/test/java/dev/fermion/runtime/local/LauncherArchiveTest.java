package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers' class-data archive, with real JVMs: recorded from a first launch, dumped once, then mapped by
 * a launch whose class path adds a directory after the archived jars, as a user's classes are added.
 */
class LauncherArchiveTest {
    @TempDir
    Path tmp;

    /** Loads a class from the jar, so the recorded list names it. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            System.out.println(new ObjectMapper().writeValueAsString(List.of(1, 2)));
        }
    }

    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private static String jacksonJars() {
        List<String> jars = new ArrayList<>();
        for (Class<?> c : List.of(
                ObjectMapper.class,
                com.fasterxml.jackson.core.JsonFactory.class,
                com.fasterxml.jackson.annotation.JsonProperty.class)) {
            jars.add(Path.of(c.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .getPath())
                    .toString());
        }
        return String.join(File.pathSeparator, jars);
    }

    private static String testClasses() {
        return Path.of(Probe.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .toString();
    }

    private String launch(List<String> options, String classpath, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(options);
        command.addAll(List.of(extra));
        command.addAll(List.of("-cp", classpath, Probe.class.getName()));
        Path out = Files.createTempFile(tmp, "launch", ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        int exit = process.waitFor();
        String log = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(exit).as(log).isZero();
        return log;
    }

    @Test
    void aLaunchAfterTheFirstRunMapsTheArchiveWithTheUsersClassesAfterTheJars() throws Exception {
        String classpath = jacksonJars() + File.pathSeparator + testClasses();
        Path directory = tmp.resolve("class-data");

        LauncherArchive first = LauncherArchive.of(List.of(classpath.split(File.pathSeparator)), directory);
        List<String> recording = first.jvmOptions();
        assertThat(recording).singleElement().asString().startsWith("-XX:DumpLoadedClassList=");
        assertThat(launch(recording, classpath)).contains("[1,2]");
        first.build(JAVA);

        LauncherArchive next = LauncherArchive.of(List.of(classpath.split(File.pathSeparator)), directory);
        List<String> mapping = next.jvmOptions();
        assertThat(mapping).first().asString().startsWith("-XX:SharedArchiveFile=");
        // -Xshare:on refuses to start without the archive; the class log says where ObjectMapper came from.
        String log = launch(mapping, classpath, "-Xshare:on", "-Xlog:class+load=info");
        assertThat(log)
                .contains("[1,2]")
                .containsPattern("com\\.fasterxml\\.jackson\\.databind\\.ObjectMapper source: shared objects file");
    }

    @Test
    void aNewArchiveKeepsOnlyTheTwoNewestOthers() throws Exception {
        Path directory = Files.createDirectories(tmp.resolve("class-data"));
        for (int i = 0; i < 4; i++) {
            Path old = Files.writeString(directory.resolve("old-" + i + ".jsa"), "stale");
            old.toFile().setLastModified(1_000_000_000_000L + i * 1000L);
        }
        String classpath = jacksonJars() + File.pathSeparator + testClasses();
        LauncherArchive archive = LauncherArchive.of(List.of(classpath.split(File.pathSeparator)), directory);
        launch(archive.jvmOptions(), classpath);

        archive.build(JAVA);

        try (var files = Files.list(directory)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".jsa")))
                    .hasSize(3)
                    .contains("old-3.jsa", "old-2.jsa");
        }
    }

    @Test
    void aClassPathThatStartsWithADirectoryGetsNoArchive() {
        LauncherArchive archive = LauncherArchive.of(
                List.of((testClasses() + File.pathSeparator + jacksonJars()).split(File.pathSeparator)),
                tmp.resolve("class-data"));

        assertThat(archive.jvmOptions()).isEmpty();
        archive.build(JAVA);
        assertThat(tmp.resolve("class-data")).doesNotExist();
    }

    @Test
    void aManifestOnlyJarThatNamesDirectoriesEndsTheArchivedJars() throws IOException {
        // A forked test JVM starts from such a jar; the JVM would follow its Class-Path into the directories.
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes()
                .put(Attributes.Name.CLASS_PATH, Path.of(testClasses()).toUri() + "/");
        Path booter = tmp.resolve("booter.jar");
        try (var out = new JarOutputStream(Files.newOutputStream(booter), manifest)) {
            out.flush();
        }

        LauncherArchive archive = LauncherArchive.of(List.of(booter.toString()), tmp.resolve("class-data"));

        assertThat(archive.jvmOptions()).isEmpty();
    }
}
