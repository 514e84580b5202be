package dev.fermion.runtime.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the Dockerfiles rely on when they sort the distribution into layers. */
class DistributionLayoutTest {
    @Test
    void binHoldsBothEntrypointsAsExecutableScripts() throws IOException {
        for (String script : List.of("fermion-step", "fermion-serve")) {
            Path file = Distribution.HOME.resolve("bin").resolve(script);
            assertThat(file).isRegularFile();
            assertThat(Files.isExecutable(file)).as(file + " is executable").isTrue();
            assertThat(Files.readString(file))
                    .as(file + " is the script in runtime-image/bin")
                    .isEqualTo(Files.readString(Distribution.HOME
                            .resolve("../../../bin")
                            .resolve(script)
                            .normalize()));
        }
    }

    @Test
    void libHoldsFermionTheComponentsDependenciesAndTheCpuNativeLibrary() throws IOException {
        List<String> jars = jars();
        // The Dockerfiles move these by these globs: fermion-*.jar and pytorch-native-cpu-*.jar.
        assertThat(jars)
                .anyMatch(j -> j.matches("fermion-launcher-[0-9].*\\.jar"))
                .anyMatch(j -> j.matches("fermion-components-[0-9].*\\.jar"))
                .anyMatch(j -> j.matches("fermion-serving-[0-9].*\\.jar"))
                .anyMatch(j -> j.matches("fermion-dsl-[0-9].*\\.jar"))
                .anyMatch(j -> j.matches("pytorch-native-cpu-.*-linux-x86_64\\.jar"))
                .anyMatch(j -> j.startsWith("pytorch-engine-"))
                .anyMatch(j -> j.startsWith("pytorch-jni-"))
                .anyMatch(j -> j.startsWith("beam-runners-direct-java-"))
                .anyMatch(j -> j.startsWith("javalin-"));
        assertThat(jars)
                .as("a pod runs one step through the launcher; the local runner stays out of the image")
                .noneMatch(j -> j.startsWith("fermion-runner-") || j.startsWith("fermion-cli-"));
        assertThat(jars)
                .as("test-only libraries stay out of the image")
                .noneMatch(j -> j.startsWith("junit-") || j.startsWith("assertj-"));
        assertThat(jars).as("only jars in lib/").allMatch(j -> j.endsWith(".jar"));
    }

    private static List<String> jars() throws IOException {
        try (Stream<Path> files = Files.list(Distribution.HOME.resolve("lib"))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
