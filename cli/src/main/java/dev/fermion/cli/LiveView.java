package dev.fermion.cli;

import dev.fermion.runtime.local.RunListener;
import dev.fermion.runtime.local.RunRecord;
import dev.fermion.runtime.local.StepRecord;
import dev.fermion.runtime.local.StepStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What {@code fermion run} shows while a run goes on. On a terminal: one line per step (state and elapsed
 * time) and a progress bar, redrawn in place with ANSI escapes. Elsewhere (CI logs, pipes): one plain line
 * per change of state, so logs stay readable.
 */
final class LiveView implements RunListener, AutoCloseable {
    private static final String CLEAR_TO_END = "\u001b[J";
    private static final int BAR = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final Map<String, StepRecord> steps = new LinkedHashMap<>();
    private final Map<String, String> shown = new LinkedHashMap<>();
    private final ScheduledExecutorService ticker;
    private int drawnLines;
    private boolean finished;

    // The ticker's future is never read: shutting the ticker down ends it, and redraw catches nothing
    // worth reporting (a failed redraw only stops the animation; the final one prints the result).
    @SuppressWarnings("FutureReturnValueIgnored")
    LiveView(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
        if (terminal) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "fermion-live-view");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::redraw, 250, 250, TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    @Override
    public synchronized void runStarted(RunRecord run) {
        out.println((run.resumedFrom() != null ? "Resuming run " : "Run ") + run.runId() + " of pipeline "
                + run.pipeline() + " (" + run.isolation() + ", parallelism " + run.parallelism()
                + (run.cache() ? "" : ", no cache") + ")");
        out.flush();
    }

    @Override
    public synchronized void stepChanged(StepRecord step) {
        if (finished) {
            return;
        }
        steps.put(step.path(), step);
        if (terminal) {
            redraw();
            return;
        }
        String state = state(step);
        if (state.equals(shown.get(step.path())) || step.status() == StepStatus.PENDING) {
            return;
        }
        shown.put(step.path(), state);
        out.println(line(step, Instant.now()));
        out.flush();
    }

    @Override
    public synchronized void runFinished(RunRecord run) {
        run.steps().values().forEach(s -> steps.put(s.path(), s));
        if (terminal) {
            redraw();
        }
        finished = true;
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    @Override
    public synchronized void close() {
        finished = true;
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    private synchronized void redraw() {
        if (!terminal || finished) {
            return;
        }
        Instant now = Instant.now();
        List<String> lines = new ArrayList<>();
        steps.values().stream()
                .sorted(Comparator.comparingLong(
                                (StepRecord s) -> s.startOrder() == 0 ? Long.MAX_VALUE : s.startOrder())
                        .thenComparing(StepRecord::path))
                .forEach(s -> lines.add(line(s, now)));
        lines.add(progress());
        StringBuilder b = new StringBuilder();
        if (drawnLines > 0) {
            b.append("\u001b[").append(drawnLines).append('F');
        }
        b.append(CLEAR_TO_END);
        lines.forEach(l -> b.append(l).append(System.lineSeparator()));
        out.print(b);
        out.flush();
        drawnLines = lines.size();
    }

    private String progress() {
        long total = steps.size();
        long done = steps.values().stream().filter(s -> s.status().finished()).count();
        int filled = total == 0 ? 0 : (int) (BAR * done / total);
        return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + done + "/" + total + " done";
    }

    static String line(StepRecord step, Instant now) {
        String state = state(step);
        String elapsed = step.status() == StepStatus.PENDING
                        || step.status() == StepStatus.SKIPPED
                        || step.status() == StepStatus.OMITTED
                ? ""
                : format(step.duration(now));
        String attempts =
                step.attempts().size() > 1 ? "  (attempt " + step.attempts().size() + ")" : "";
        return String.format(Locale.ROOT, "  %-32s %-10s %8s%s", step.path(), state, elapsed, attempts);
    }

    /** A step's state in words: its status, except that a reused result says where it came from. */
    static String state(StepRecord step) {
        if (step.status() == StepStatus.SUCCEEDED && step.cacheHit()) {
            return "cached";
        }
        if (step.status() == StepStatus.SUCCEEDED && step.resumed()) {
            return "done before";
        }
        return step.status().name().toLowerCase(Locale.ROOT);
    }

    static String format(Duration d) {
        long millis = d.toMillis();
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        return String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
