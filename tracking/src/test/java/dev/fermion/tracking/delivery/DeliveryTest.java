package dev.fermion.tracking.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.tracking.mlflow.Metric;
import dev.fermion.tracking.mlflow.Param;
import dev.fermion.tracking.mlflow.RunStatus;
import dev.fermion.tracking.mlflow.Tag;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryTest {
    private static final RunRef A = new RunRef("exp", "r/a");
    private static final RunRef B = new RunRef("exp", "r/b");

    @Test
    void consecutiveLogsOfOneRunMergeWithoutCrossingOtherOperations() {
        TrackingOp a1 =
                new TrackingOp.Log(A, List.of(new Metric("m", 1, 1, 1)), List.of(new Param("p", "1")), List.of());
        TrackingOp a2 = new TrackingOp.Log(A, List.of(new Metric("m", 2, 2, 2)), List.of(), List.of(new Tag("t", "x")));
        TrackingOp b1 = new TrackingOp.Log(B, List.of(new Metric("m", 3, 3, 3)), List.of(), List.of());
        TrackingOp endA = new TrackingOp.EndRun(A, RunStatus.FINISHED, 4);
        TrackingOp a3 = new TrackingOp.Log(A, List.of(new Metric("m", 5, 5, 5)), List.of(), List.of());

        List<TrackingOp> merged = Delivery.coalesce(List.of(a1, a2, b1, endA, a3));

        assertThat(merged)
                .containsExactly(
                        new TrackingOp.Log(
                                A,
                                List.of(new Metric("m", 1, 1, 1), new Metric("m", 2, 2, 2)),
                                List.of(new Param("p", "1")),
                                List.of(new Tag("t", "x"))),
                        b1,
                        endA,
                        a3);
    }
}
