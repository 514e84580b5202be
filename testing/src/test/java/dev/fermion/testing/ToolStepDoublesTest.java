package dev.fermion.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.ContainerCommand;
import dev.fermion.dsl.ContainerComponent;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.Placeholders;
import dev.fermion.dsl.StepContext;
import dev.fermion.dsl.VolumeClaim;
import dev.fermion.dsl.VolumeSnapshot;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Container, script and Kubernetes-resource steps replaced by doubles: no container engine, no cluster. */
class ToolStepDoublesTest {
    @TempDir
    Path home;

    /** A script writing data onto a mounted volume; on a cluster it runs in python:3.12-slim. */
    public static final class Generate extends ContainerComponent {
        public static final Input<String> DIR = input("dir", String.class);
        public static final Output<Integer> ROWS = output("rows", Integer.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.script(
                            "python:3.12-slim", "python3", "import os\nopen(os.environ['ROWS'], 'w').write('3')\n")
                    .env("DIR", p.value(DIR))
                    .env("ROWS", p.outputPath(ROWS));
        }
    }

    public static final class Report extends Component {
        public static final Input<String> CLAIM = input("claim", String.class);
        public static final Input<Integer> ROWS = input("rows", Integer.class);
        public static final Output<String> SUMMARY = output("summary", String.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(SUMMARY, ctx.get(ROWS) + " rows on " + ctx.get(CLAIM));
        }
    }

    static final Pipeline PIPELINE = Pipeline.named("volumes").define(p -> {
        var data = p.step("data", new VolumeClaim("1Gi"));
        var generate = p.step("generate", new Generate())
                .with(Generate.DIR, "/data")
                .mountClaim(data.out(VolumeClaim.CLAIM_NAME), "/data");
        var snapshot = p.step("snapshot", new VolumeSnapshot())
                .with(VolumeSnapshot.CLAIM, data.out(VolumeClaim.CLAIM_NAME))
                .after(generate);
        var copy = p.step("copy", new VolumeClaim("1Gi").fromSnapshot())
                .with(VolumeClaim.SNAPSHOT, snapshot.out(VolumeSnapshot.SNAPSHOT_NAME));
        p.step("report", new Report())
                .with(Report.CLAIM, copy.out(VolumeClaim.CLAIM_NAME))
                .with(Report.ROWS, generate.out(Generate.ROWS));
    });

    @Test
    void doublesStandInForTheClusterAndTheContainerAndSeeTheirRealInputs() {
        AtomicReference<String> snapshotted = new AtomicReference<>();

        PipelineResult result = PipelineTest.of(PIPELINE)
                .home(home)
                .stub("data", VolumeClaim.CLAIM_NAME, "pvc-data")
                .stub("generate", Generate.ROWS, 42)
                .replace("snapshot", step -> {
                    snapshotted.set(step.get(VolumeSnapshot.CLAIM));
                    step.put(VolumeSnapshot.SNAPSHOT_NAME, "snap-1");
                })
                .replace(
                        "copy",
                        step -> step.put(VolumeClaim.CLAIM_NAME, "restored-from-" + step.get(VolumeClaim.SNAPSHOT)))
                .run()
                .assertSucceeded();

        assertThat(snapshotted).hasValue("pvc-data");
        assertThat(result.output("report", Report.SUMMARY)).isEqualTo("42 rows on restored-from-snap-1");
        result.assertRanBefore("generate", "snapshot")
                .assertRanBefore("snapshot", "copy")
                .assertRanBefore("copy", "report");
    }
}
