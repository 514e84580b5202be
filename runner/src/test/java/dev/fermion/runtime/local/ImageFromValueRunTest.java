package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fermion.contract.ImageMap;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.ContainerCommand;
import dev.fermion.dsl.ContainerComponent;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.Placeholders;
import dev.fermion.dsl.StepContext;
import dev.fermion.runtime.container.ContainerImages;
import dev.fermion.runtime.container.ContainerRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step's image given as a value ({@code image(p.param(...))}) is the image that runs, in a real engine: the
 * container step's command tells which of two images it found itself in, and a Java step under
 * {@code --isolation container} whose value names a missing image fails at launch naming it, as a constant one
 * fails before the run. Needs Podman or Docker with {@value SidecarRunTest#DEFAULT_IMAGE} (or
 * {@value SidecarRunTest#IMAGE_ENV}) and {@value #JRE_DEFAULT} (or {@value #JRE_ENV}), both made by
 * scripts/setup-containers.sh; skipped without them unless {@value SidecarRunTest#REQUIRE} is true.
 */
class ImageFromValueRunTest {
    static final String JRE_ENV = "FERMION_TEST_JRE_IMAGE";
    static final String JRE_DEFAULT = "localhost/debian-jre:17";
    private static final String MISSING = "localhost/fermion-no-such-image:404";

    private static String python;
    private static String jre;

    @TempDir
    Path home;

    @BeforeAll
    static void findEngineAndImages() throws Exception {
        python = SidecarRunTest.image();
        String configured = System.getenv(JRE_ENV);
        jre = configured == null || configured.isBlank() ? JRE_DEFAULT : configured;
        boolean ready = false;
        for (String cli : List.of("podman", "docker")) {
            if (inspect(cli, python) && inspect(cli, jre)) {
                ready = true;
                break;
            }
        }
        if (!ready && Boolean.parseBoolean(System.getenv(SidecarRunTest.REQUIRE))) {
            throw new IllegalStateException(
                    SidecarRunTest.REQUIRE + " is set, but no engine has both " + python + " and " + jre);
        }
        assumeTrue(ready, "no Podman or Docker with " + python + " and " + jre);
    }

    private static boolean inspect(String cli, String image) throws InterruptedException {
        try {
            Process probe = new ProcessBuilder(cli, "image", "inspect", image)
                    .redirectErrorStream(true)
                    .start();
            try (InputStream output = probe.getInputStream()) {
                output.transferTo(OutputStream.nullOutputStream());
            }
            return probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Says which runtime its container has: only the Python image has python3, only the JRE image java. */
    public static final class WhichImage extends ContainerComponent {
        public static final Output<String> HAS = output("has", String.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.image(jre)
                    .command(
                            "sh",
                            "-c",
                            "if command -v python3 >/dev/null; then echo python; "
                                    + "elif command -v java >/dev/null; then echo java; else echo neither; fi > \"$1\"",
                            "sh")
                    .arg(p.outputPath(HAS));
        }
    }

    /** A Java step: never reached here, its image is missing. */
    public static final class Hello extends Component {
        public static final Output<String> GREETING = output("greeting", String.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(GREETING, "hello");
        }
    }

    @Test
    void aContainerStepRunsTheImageItsParameterNames() {
        Pipeline pipeline = Pipeline.named("image-from-param").define(p -> {
            var image = p.param("image", python);
            p.step("which", new WhichImage()).image(image).noCache();
        });
        LocalRunner runner = new LocalRunner(
                RunOptions.defaults().withHome(new FermionHome(home)).withContainerRuntime(ContainerRuntime.AUTO));

        RunResult byDefault = runner.run(pipeline.plan(), Map.of());
        RunResult chosen = runner.run(pipeline.plan(), Map.of("image", jre));

        assertThat(byDefault.succeeded())
                .as(RunStore.toJson(byDefault.record()))
                .isTrue();
        assertThat(byDefault.step("which").outputs()).containsEntry("has", "python");
        assertThat(chosen.succeeded()).as(RunStore.toJson(chosen.record())).isTrue();
        assertThat(chosen.step("which").outputs()).containsEntry("has", "java");
    }

    @Test
    void aJavaStepsImageFromAParameterIsCheckedWhenItStartsAndNamedWhenMissing() {
        Pipeline pipeline = Pipeline.named("java-image-from-param").define(p -> {
            var image = p.param("image", jre);
            p.step("hello", new Hello()).image(image).noCache();
        });
        LocalRunner runner = new LocalRunner(RunOptions.defaults()
                .withHome(new FermionHome(home))
                .withContainerRuntime(ContainerRuntime.AUTO)
                .withIsolation(Isolation.CONTAINER)
                // No runtime image: the step's own image is the only one it may run in.
                .withImages(new ContainerImages(ImageMap.NONE, null)));

        RunResult missing = runner.run(pipeline.plan(), Map.of("image", MISSING));

        assertThat(missing.succeeded()).isFalse();
        assertThat(missing.step("hello").status()).isEqualTo(StepStatus.ERROR);
        assertThat(missing.step("hello").attempts().get(0).message())
                .contains(
                        "pipeline 'java-image-from-param', step 'hello' runs image " + MISSING,
                        "cannot be pulled",
                        "--image " + MISSING + "=IMAGE");
    }
}
