package dev.fermion.runtime.dist;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fermion.runtime.container.ContainerEngine;
import dev.fermion.runtime.container.ContainerRuntime;
import dev.fermion.runtime.container.EngineSelector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The runtime image named by the system property {@code fermion.image} ({@code ./mvnw verify -Pimage} builds it
 * and sets it), run with the engine and settings Fermion itself uses. Without the property the image tests are
 * skipped, unless {@code fermion.image.required} is true (as in CI), when they fail.
 */
final class Image {
    final String name;
    final ContainerEngine engine;

    private Image(String name, ContainerEngine engine) {
        this.name = name;
        this.engine = engine;
    }

    static Image required() {
        String name = System.getProperty("fermion.image", "");
        if (name.isBlank()) {
            if (Boolean.getBoolean("fermion.image.required")) {
                fail(
                        "fermion.image.required is set but fermion.image names no image: build it with ./mvnw verify -Pimage");
            }
            assumeTrue(false, "no runtime image given (./mvnw verify -Pimage builds and tests it)");
        }
        ContainerEngine engine =
                new EngineSelector(System.getenv()).select(ContainerRuntime.AUTO, "the image tests", name);
        if (!engine.hasImage(name)) {
            fail("image " + name + " is not in " + engine.name() + "'s images: build it with runtime-image/build.sh");
        }
        return new Image(name, engine);
    }

    /** {@code <engine> run --rm <this machine's settings>}, to which a test adds its options, the image and a command. */
    List<String> run() {
        List<String> argv = new ArrayList<>(List.of(engine.cli().toString(), "run", "--rm"));
        argv.addAll(engine.settings());
        return argv;
    }

    /** Runs {@code <engine> args...} to its end (within {@link Distribution#DEADLINE}), output in {@code logs}. */
    Distribution.Finished engine(Path logs, List<String> args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(engine.cli().toString()));
        argv.addAll(args);
        return exec(logs, argv);
    }

    static Distribution.Finished exec(Path logs, List<String> argv) throws IOException, InterruptedException {
        Files.createDirectories(logs);
        Path out = Files.createTempFile(logs, "engine", ".out");
        Path err = Files.createTempFile(logs, "engine", ".err");
        Process process = new ProcessBuilder(argv)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(Distribution.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(argv + " did not finish within " + Distribution.DEADLINE + "; its stderr:\n"
                    + Files.readString(err));
        }
        return new Distribution.Finished(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Lets the image's user (10001) write {@code dirs}, as an emptyDir or an Argo output volume does. */
    void writable(Path... dirs) throws IOException {
        engine.prepareWritable(List.of(dirs));
        for (Path dir : dirs) {
            // Without root nothing can be given to 10001; a world-writable directory lets it write all the same.
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        }
    }
}
