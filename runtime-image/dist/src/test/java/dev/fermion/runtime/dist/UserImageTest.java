package dev.fermion.runtime.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.cli.FermionCli;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;
import dev.fermion.runtime.container.UserImage;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.runtime.local.RunRecord;
import dev.fermion.runtime.local.RunStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's recipe for a user's own components, through the command line on a real engine: {@code fermion
 * image build} layers a class directory (this module's test classes, which hold {@link WhereAmI}) onto the
 * runtime image, and {@code fermion run --isolation container} runs a step of that class in the built image,
 * with no classpath mounted. The step's image is a pipeline parameter: by default the plain runtime image,
 * where the class is missing and the step fails, so the run that succeeds ran in the image the parameter named.
 */
class UserImageTest {
    record Result(int exit, String out, String err) {}

    /** A user's component: says where its class and the launcher's extra classpath came from. */
    public static final class WhereAmI extends Component {
        public static final Output<String> LOADED_FROM = output("loaded-from", String.class);
        public static final Output<String> CLASSPATH = output("classpath", String.class);

        @Override
        protected void run(StepContext ctx) throws Exception {
            ctx.put(
                    LOADED_FROM,
                    WhereAmI.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI()
                            .getPath());
            ctx.put(CLASSPATH, String.valueOf(System.getenv("FERMION_CLASSPATH")));
        }
    }

    /** The user's pipeline: one step of the user's class, in the image {@code image} names. */
    public static final class UserPipeline {
        public static final Pipeline PIPELINE = Pipeline.named("user-image")
                .define(p -> p.step("where", new WhereAmI())
                        .image(p.param("image", System.getProperty("fermion.image", "")))
                        .noCache());

        private UserPipeline() {}
    }

    @Test
    void imageBuildLayersTheUsersClassesOntoTheRuntimeImageAndAStepOfThemRunsInIt(@TempDir Path home) throws Exception {
        Image image = Image.required();
        Path classes = Path.of(WhereAmI.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        String built =
                "localhost/fermion-user-image-test:" + ProcessHandle.current().pid();

        Result build =
                fermion("image", "build", "--name", built, "--classpath", classes.toString(), "--base", image.name);
        try {
            assertThat(build.exit()).as(build.out() + build.err()).isZero();
            assertThat(build.out()).contains("Built " + built + ":", "1 class directory");
            assertThat(image.engine.hasImage(built)).isTrue();

            Result plain = run(home.resolve("plain"), image.name);
            Result own = run(home.resolve("own"), image.name, "-p", "image=" + built);

            assertThat(plain.exit())
                    .as("the runtime image lacks the user's class: " + plain.out() + plain.err())
                    .isEqualTo(FermionCli.FAILED);
            RunRecord record = onlyRun(home.resolve("own"));
            assertThat(own.exit()).as(own.out() + own.err() + log(record)).isZero();
            assertThat(record.steps().get("where").outputs().get("loaded-from"))
                    .as("the class the image holds, not this machine's")
                    .startsWith(UserImage.ROOT + "/");
            assertThat(record.steps().get("where").outputs().get("classpath")).contains(UserImage.ROOT + "/");
        } finally {
            image.engine(home.resolve("logs"), List.of("rmi", "--force", built));
        }
    }

    private static Result run(Path home, String runtimeImage, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                UserPipeline.class.getName(),
                "--isolation",
                "container",
                "--runtime-image",
                runtimeImage,
                "--home",
                home.toString()));
        args.addAll(List.of(more));
        return fermion(args.toArray(String[]::new));
    }

    /** The log of the step's first attempt, which says why it failed. */
    private static String log(RunRecord record) throws java.io.IOException {
        return java.nio.file.Files.readString(
                Path.of(record.steps().get("where").attempts().get(0).logFile()));
    }

    private static RunRecord onlyRun(Path home) {
        List<String> problems = new ArrayList<>();
        List<RunRecord> runs = new RunStore(new FermionHome(home)).list(problems);
        assertThat(problems).isEmpty();
        assertThat(runs).hasSize(1);
        return runs.get(0);
    }

    private static Result fermion(String... args) {
        CommandLine cli = FermionCli.commandLine(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
