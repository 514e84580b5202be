package dev.fermion.tracking.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.tracking.mlflow.Metric;
import dev.fermion.tracking.mlflow.Param;
import dev.fermion.tracking.mlflow.RunStatus;
import dev.fermion.tracking.mlflow.Tag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    private static final RunRef RUN = new RunRef("exp", "run-1");
    private static final RunRef STEP = RUN.child("train");

    @TempDir
    Path dir;

    @Test
    void operationsSurviveAsJsonAndReplayRunsFirstAndEndsLast() {
        Spool spool = new Spool(dir);
        TrackingOp log = new TrackingOp.Log(
                STEP,
                List.of(new Metric("loss", Double.NaN, 5, 1)),
                List.of(new Param("lr", "0.1")),
                List.of(new Tag("t", "v")));
        TrackingOp endStep = new TrackingOp.EndRun(STEP, RunStatus.FINISHED, 9);
        TrackingOp startStep = new TrackingOp.StartRun(STEP, RUN, "train", 2, List.of());
        TrackingOp startRun = new TrackingOp.StartRun(RUN, null, "p-run-1", 1, List.of(new Tag("a", "b")));
        spool.append("s", 1, log);
        spool.append("s", 2, endStep);
        spool.append("s", 3, startStep);
        spool.append("s", 4, startRun);

        assertThat(spool.sessions()).containsExactly("s");
        assertThat(spool.pending("s")).extracting(Spool.Entry::op).containsExactly(startRun, startStep, log, endStep);
        Metric metric =
                ((TrackingOp.Log) spool.pending("s").get(2).op()).metrics().get(0);
        assertThat(metric.value()).isNaN();
    }

    @Test
    void operationsMarkedSentAreNotPendingAndATornLastLineIsIgnored() throws Exception {
        Spool spool = new Spool(dir);
        for (int i = 1; i <= 3; i++) {
            spool.append("s", i, new TrackingOp.Log(STEP, List.of(new Metric("m", i, i, i)), List.of(), List.of()));
        }
        Files.writeString(dir.resolve("s.sent"), "2\n", StandardOpenOption.CREATE);
        Files.writeString(dir.resolve("s.jsonl"), "{\"seq\":4,\"op\":{\"type\":\"lo", StandardOpenOption.APPEND);

        assertThat(spool.pending("s")).extracting(Spool.Entry::seq).containsExactly(1L, 3L);
        assertThat(spool.pendingCount()).isEqualTo(2);
    }
}
