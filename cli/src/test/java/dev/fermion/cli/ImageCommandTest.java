package dev.fermion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fermion image build}: what it refuses before it reaches an engine. */
class ImageCommandTest {
    @TempDir
    Path dir;

    @Test
    void aNameWithoutATagOrAMissingClasspathEntryIsBadUsage() {
        CliTest.Result untagged = CliTest.fermion("image", "build", "--name", "orders", "--classpath", dir.toString());
        assertThat(untagged.exit()).isEqualTo(2);
        assertThat(untagged.err()).contains("--name: runtime image 'orders' must be [REGISTRY/]REPOSITORY:TAG");

        CliTest.Result missing = CliTest.fermion(
                "image",
                "build",
                "--name",
                "localhost/orders:1",
                "--classpath",
                dir.resolve("nothing.jar").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err())
                .contains("--classpath: " + dir.resolve("nothing.jar") + " is neither a directory nor a jar");

        CliTest.Result host = CliTest.fermion(
                "image",
                "build",
                "--name",
                "localhost/orders:1",
                "--classpath",
                dir.toString(),
                "--container-runtime",
                "host");
        assertThat(host.exit()).isEqualTo(2);
        assertThat(host.err()).contains("--container-runtime host builds no image");
    }

    /** Whether the engine is missing or the base is, the error names the command as its user typed it. */
    @Test
    void anEngineOrBaseThatIsNotThereIsBadUsageNamingTheCommandAsTyped() {
        System.setProperty(Invocation.PROPERTY, "./fermion");
        try {
            CliTest.Result r = CliTest.fermion(
                    "image",
                    "build",
                    "--name",
                    "localhost/orders:1",
                    "--classpath",
                    dir.toString(),
                    "--base",
                    "localhost/fermion-no-such-base:1",
                    "--container-runtime",
                    "docker");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("fermion: ./fermion image build ", "localhost/fermion-no-such-base:1");
        } finally {
            System.clearProperty(Invocation.PROPERTY);
        }
    }

    @Test
    void buildHasHelp() {
        CliTest.Result help = CliTest.fermion("image", "build", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--name=IMAGE", "--classpath=PATH", "--base=IMAGE", "--push", "--save=FILE");
    }
}
