package dev.fermion.runtime.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.components.data.PrepareCsv;
import dev.fermion.contract.ImageMap;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;
import dev.fermion.runtime.container.ContainerImages;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.runtime.local.Isolation;
import dev.fermion.runtime.local.LocalRunner;
import dev.fermion.runtime.local.RunOptions;
import dev.fermion.runtime.local.RunResult;
import dev.fermion.types.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fermion run --isolation container}: Java steps run in the runtime image through {@code fermion-step},
 * a user's component (this test's {@link CountRows}, not in the image) from the mounted classpath, the data from
 * the image's examples jar. The outputs equal an in-process run's, digests included.
 */
class ContainerIsolationTest {
    static Pipeline pipeline() {
        return Pipeline.named("isolation").define(p -> {
            var prepare = p.step("prepare", new PrepareCsv())
                    .with(PrepareCsv.SOURCE, "resource:/fermion/examples/iris.csv")
                    .with(PrepareCsv.LABEL, "species")
                    .with(PrepareCsv.SEED, 7);
            p.step("count", new CountRows()).with(CountRows.DATA, prepare.out(PrepareCsv.TRAIN));
        });
    }

    @Test
    void javaStepsRunInTheImageWithTheUsersClassesAndGiveWhatAnInProcessRunGives(@TempDir Path home) throws Exception {
        Image image = Image.required();
        Path classes = Path.of(CountRows.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        RunOptions options = RunOptions.defaults()
                .withParallelism(2)
                .withClassLoader(ContainerIsolationTest.class.getClassLoader(), classes.toString())
                .withImages(new ContainerImages(ImageMap.NONE, image.name));

        RunResult contained = new LocalRunner(options.withHome(new FermionHome(home.resolve("container")))
                        .withIsolation(Isolation.CONTAINER))
                .run(pipeline().plan(), Map.of());
        RunResult inProcess = new LocalRunner(options.withHome(new FermionHome(home.resolve("in-process")))
                        .withIsolation(Isolation.IN_PROCESS))
                .run(pipeline().plan(), Map.of());

        assertThat(contained.succeeded())
                .as(contained.record().message() + " " + contained.step("count"))
                .isTrue();
        assertThat(inProcess.succeeded()).as(inProcess.record().message()).isTrue();
        String rows = inProcess.step("count").outputs().get("rows");
        assertThat(Long.parseLong(rows)).isBetween(90L, 120L);
        assertThat(contained.step("count").outputs()).containsEntry("rows", rows);
        assertThat(contained.step("count").outputs().get("runs-in"))
                .as("the pod's input path")
                .isEqualTo("/fermion/inputs/data");
        assertThat(contained.step("prepare").digests())
                .isEqualTo(inProcess.step("prepare").digests());
        assertThat(contained.step("prepare").outputs())
                .isEqualTo(inProcess.step("prepare").outputs());
        assertThat(Files.readString(
                        Path.of(contained.step("count").attempts().get(0).logFile())))
                .contains("counted " + rows + " rows");
    }

    /** A user's component: counts the rows of a prepared split and says where its input was. */
    public static final class CountRows extends Component {
        public static final Input<Dataset> DATA = input("data", Dataset.class);
        public static final Output<Long> ROWS = output("rows", Long.class);
        public static final Output<String> RUNS_IN = output("runs-in", String.class);

        @Override
        protected void run(StepContext ctx) throws Exception {
            Path features = ctx.get(DATA).file("features.csv");
            long rows;
            try (var lines = Files.lines(features)) {
                rows = lines.count() - 1;
            }
            ctx.log("counted %d rows", rows);
            ctx.put(ROWS, rows);
            ctx.put(RUNS_IN, features.getParent().toString());
        }
    }
}
