package dev.fermion.runtime.local;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The step records of one run, in memory and on disk: each {@link #update} goes to listeners at once, and every
 * change to the journal soon after, written on its own thread so that steps never wait for the disk, except
 * when a step's code is about to start ({@link #flush}).
 */
final class RunJournal {
    private final RunStore store;
    private final RunListener listener;
    private final String runId;
    private final Map<String, StepRecord> steps = new ConcurrentHashMap<>();
    /** Orders starts and ends across the run; a resumed run goes on after the highest order its record holds. */
    private final AtomicLong events = new AtomicLong();

    private final ExecutorService recorder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fermion-run-record");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean writePending = new AtomicBoolean();
    private final AtomicLong changes = new AtomicLong();
    /** Steps changed since the last write, journaled by the next one. */
    private Set<String> dirty = new LinkedHashSet<>();
    /**
     * Guards {@link #dirty}, which each write takes whole and replaces with an empty set: a concurrent set drained
     * in place keeps the capacity of its largest moment, and iterating it would cost the run's size per write.
     */
    private final Object dirtyLock = new Object();

    private long written;
    private RunRecord record;

    RunJournal(RunStore store, RunRecord initial, Map<String, StepRecord> previous, RunListener listener) {
        this.store = store;
        this.listener = listener;
        this.runId = initial.runId();
        this.record = initial;
        this.steps.putAll(previous);
        long highest = previous.values().stream()
                .mapToLong(s -> Math.max(s.startOrder(), s.endOrder()))
                .max()
                .orElse(0);
        events.set(highest);
    }

    /** Writes the whole record as the run starts, with the steps kept from the run it resumes. */
    synchronized RunRecord begin() {
        record = record.withSteps(new TreeMap<>(steps));
        store.save(record);
        return record;
    }

    /**
     * Writes the whole record as the run ends, after every pending journal write, so the final record comes
     * after every intermediate one.
     */
    RunRecord end(Map<String, String> results, RunStatus status, String message) {
        drainRecorder();
        synchronized (this) {
            record = record.withSteps(new TreeMap<>(steps))
                    .withResults(results)
                    .finished(status, Instant.now(), message);
            store.save(record);
            return record;
        }
    }

    /** Stops the recorder thread and closes the journal file, whether or not the run ended cleanly. */
    void close() {
        recorder.shutdownNow();
        store.closeJournal(runId);
    }

    /** The next order of a start or an end. */
    long nextEvent() {
        return events.incrementAndGet();
    }

    /**
     * Records the nodes of a graph about to run as pending, in one write: a step that succeeded in the run
     * being resumed keeps its record, any other keeps its earlier attempts.
     */
    void pending(List<StepRecord> fresh) {
        for (StepRecord node : fresh) {
            steps.compute(
                    node.path(),
                    (k, earlier) -> earlier == null
                            ? node
                            : earlier.status() == StepStatus.SUCCEEDED
                                    ? earlier
                                    : node.withAttempts(earlier.attempts()));
            markDirty(node.path());
        }
        changes.incrementAndGet();
        save();
    }

    /** Records that the node at {@code path} started now. */
    StepRecord started(String path) {
        return update(path, s -> s.started(nextEvent(), Instant.now()));
    }

    StepRecord update(String path, UnaryOperator<StepRecord> change) {
        StepRecord changed = steps.compute(path, (k, s) -> change.apply(s));
        markDirty(path);
        changes.incrementAndGet();
        save();
        listener.stepChanged(changed);
        return changed;
    }

    /**
     * Why the nodes under {@code prefix} failed: the first failed step, or else the deepest failed node with a
     * reason (a sub-pipeline call that could not start, a recursion that hit its depth limit).
     */
    String failureSummary(String prefix) {
        List<StepRecord> failed = steps.values().stream()
                .filter(s -> s.path().startsWith(prefix)
                        && (s.status() == StepStatus.FAILED || s.status() == StepStatus.ERROR))
                .toList();
        return failed.stream()
                .filter(s -> "step".equals(s.kind()))
                .findFirst()
                .or(() -> failed.stream()
                        .filter(s -> s.message() != null)
                        .max(Comparator.comparingInt(s -> s.path().length())))
                .map(s -> s.message() != null
                        ? s.message()
                        : "step '" + s.path() + "' " + s.status().label().toLowerCase(Locale.ROOT))
                .orElse("a step did not succeed");
    }

    private void markDirty(String path) {
        synchronized (dirtyLock) {
            dirty.add(path);
        }
    }

    /**
     * Writes the record soon, on the recorder thread. Changes that arrive while a write is pending share it,
     * so a wide fan-out costs a few writes rather than one per change; the record on disk lags by at most
     * one write, and a step whose success was not yet written simply runs again on resume.
     */
    private void save() {
        if (writePending.compareAndSet(false, true)) {
            recorder.execute(() -> {
                writePending.set(false);
                writeNow();
            });
        }
    }

    /** Journals the steps changed since the last write (the whole record is written at the start and end). */
    private synchronized void writeNow() {
        long version = changes.get();
        List<StepRecord> changed = new ArrayList<>();
        Set<String> paths;
        synchronized (dirtyLock) {
            paths = dirty;
            dirty = new LinkedHashSet<>();
        }
        for (String path : paths) {
            changed.add(steps.get(path));
        }
        store.append(runId, changed);
        written = Math.max(written, version);
    }

    /**
     * Makes sure the record on disk holds every change made so far. Called before a step's code starts, so
     * whatever finished before it is on disk when it runs: a runner killed during the step resumes without
     * redoing them.
     */
    void flush() {
        long wanted = changes.get();
        synchronized (this) {
            if (written < wanted) {
                writeNow();
            }
        }
    }

    /** Waits for pending writes, so the final record is written after every intermediate one. */
    private void drainRecorder() {
        recorder.shutdown();
        try {
            if (!recorder.awaitTermination(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("writing the run record of " + runId + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the run record of " + runId, e);
        }
    }
}
