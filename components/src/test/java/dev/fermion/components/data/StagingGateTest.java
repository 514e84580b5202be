package dev.fermion.components.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StagingGateTest {

    /** A failed pipeline reports only once its writes in flight are done, and no bundle writes after. */
    @Test
    void shuttingTheGateWaitsForWritesInFlightAndRefusesLaterOnes() throws Exception {
        StagingGate gate = StagingGate.open("/staging/run-1/");
        List<String> written = new CopyOnWriteArrayList<>();
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<Void> inFlight = CompletableFuture.runAsync(() -> {
            try {
                StagingGate.write("/staging/run-1/train/part-0.csv", () -> {
                    writing.countDown();
                    await(finish);
                    written.add("part-0");
                });
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        writing.await();

        CompletableFuture<Void> shut = CompletableFuture.runAsync(gate::shutAndDrain);
        assertThat(shut).isNotDone();
        finish.countDown();
        shut.get();
        assertThat(written).containsExactly("part-0");
        inFlight.get();

        assertThatThrownBy(() -> StagingGate.write("/staging/run-1/test/part-1.csv", () -> written.add("part-1")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/staging/run-1/test/part-1.csv")
                .hasMessageContaining("already failed");
        assertThat(written).containsExactly("part-0");
    }

    @Test
    void writesOutsideAnyOpenStagingRootPassUntouched() throws Exception {
        StagingGate.open("/staging/run-2").shutAndDrain();
        List<String> written = new CopyOnWriteArrayList<>();
        StagingGate.write("/staging/run-20/part-0.csv", () -> written.add("other root"));
        StagingGate gate = StagingGate.open("/staging/run-3");
        StagingGate.write("/staging/run-3/part-0.csv", () -> written.add("open root"));
        gate.release();
        StagingGate.write("/staging/run-3/part-1.csv", () -> written.add("released root"));
        assertThat(written).containsExactly("other root", "open root", "released root");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
