package dev.fermion.components.data;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a failed pipeline wait for its own writers before the step reports the failure.
 *
 * <p>Beam's DirectRunner reports the first failed transform while bundles of the same pipeline may still
 * be running on its other threads and writing under the staging root. Were the step to fail at once, the
 * launcher (or a test) would clean the work directory while those files appear in it. Every write under a
 * staging root therefore passes this gate: once the pipeline has failed the driver shuts the gate, waits
 * for the writes in flight, and any bundle still running is refused its write.
 *
 * <p>Runners whose workers live in other processes never see a gate for the root, so their writes pass
 * untouched; those workers stop with the job.
 */
final class StagingGate {
    /** A closed gate stays registered, so that a late bundle of the failed run cannot write afterwards. */
    private static final Map<String, StagingGate> GATES = new ConcurrentHashMap<>();

    /** What a writer does once let through. */
    @FunctionalInterface
    interface Write {
        void run() throws IOException;
    }

    private final String root;
    private int inFlight;
    private boolean closed;

    private StagingGate(String root) {
        this.root = root;
    }

    /** Opens the gate of a staging root for a new run of the pipeline, replacing any earlier run's gate. */
    static StagingGate open(String root) {
        StagingGate gate = new StagingGate(root.replaceAll("/+$", ""));
        GATES.put(gate.root, gate);
        return gate;
    }

    /** Runs a write to {@code path}, through the gate of the staging root that holds it, if there is one. */
    static void write(String path, Write write) throws IOException {
        StagingGate gate = GATES.values().stream()
                .filter(g -> path.startsWith(g.root + "/"))
                .findFirst()
                .orElse(null);
        if (gate == null) {
            write.run();
            return;
        }
        gate.enter(path);
        try {
            write.run();
        } finally {
            gate.leave();
        }
    }

    /** The pipeline has finished: nothing of this run writes any more, so the gate can go. */
    void release() {
        GATES.remove(root, this);
    }

    /** The pipeline has failed: refuses every later write and waits for those in flight. */
    synchronized void shutAndDrain() {
        closed = true;
        boolean interrupted = false;
        while (inFlight > 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void enter(String path) throws IOException {
        if (closed) {
            throw new IOException("Not writing " + path + ": the data preparation pipeline has already failed");
        }
        inFlight++;
    }

    private synchronized void leave() {
        inFlight--;
        notifyAll();
    }
}
