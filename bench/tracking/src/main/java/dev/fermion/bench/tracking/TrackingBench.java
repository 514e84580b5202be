package dev.fermion.bench.tracking;

import dev.fermion.plan.StepOptions;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Plan;
import dev.fermion.tracking.MlflowTracker;
import dev.fermion.tracking.StepOutcome;
import dev.fermion.tracking.TrackingOptions;
import dev.fermion.tracking.TrackingSummary;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One step logs {@code --metrics} metric values through {@link MlflowTracker} (the runner's path for
 * {@code StepContext.metric}), and the clock stops when {@code flush} says all of them reached the server.
 *
 * <pre>
 * java -cp ... dev.fermion.bench.tracking.TrackingBench --uri URI --experiment NAME --out FILE
 *      [--metrics 10000] [--keys 10] [--repeats 5] [--warmups 2]
 * </pre>
 * Metric i is key {@code m<i mod keys>}, step {@code i / keys}, value {@code 1 / (i + 1)}: the same values
 * bench/tracking/mlflow_client.py logs. The pipeline run and the step's run are created (and flushed)
 * before the clock starts, as {@code mlflow.start_run} is on the Python side.
 */
public final class TrackingBench {
    private TrackingBench() {
    }

    public static void main(String[] args) throws Exception {
        URI uri = null;
        String experiment = "bench-tracking";
        Path out = null;
        Path home = null;
        int metrics = 10_000;
        int keys = 10;
        int repeats = 5;
        int warmups = 2;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--uri": uri = URI.create(v); break;
                case "--experiment": experiment = v; break;
                case "--out": out = Path.of(v); break;
                case "--home": home = Path.of(v); break;
                case "--metrics": metrics = Integer.parseInt(v); break;
                case "--keys": keys = Integer.parseInt(v); break;
                case "--repeats": repeats = Integer.parseInt(v); break;
                case "--warmups": warmups = Integer.parseInt(v); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (uri == null || out == null) {
            throw new IllegalArgumentException("--uri and --out are required");
        }
        // The tracker's Fermion home (its spool, empty unless MLflow failed); run.sh deletes it with the server's data.
        home = home != null ? Files.createDirectories(home) : Files.createTempDirectory("fermion-tracking-bench-");
        Plan plan = new Plan("bench-tracking", experiment, null, null, List.of(),
                new Graph("bench-tracking", List.of(), List.of(), List.of()), Optional.empty(), StepOptions.NONE,
                Optional.empty(), Map.of());
        ComponentSpec component = new ComponentSpec("dev.fermion.bench.tracking.LogMetrics", null, List.of(), List.of());
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < warmups + repeats; r++) {
            boolean timed = r >= warmups;
            String runId = "bench-" + (timed ? "timed-" : "warmup-") + UUID.randomUUID().toString().substring(0, 8);
            MlflowTracker tracker = new MlflowTracker(TrackingOptions.of(uri, home));
            tracker.runStarted(plan, runId, Map.of("tool", "fermion"));
            tracker.stepStarted("log", component, Map.of("tool", "fermion"), List.of());
            if (!tracker.flush(Duration.ofMinutes(2))) {
                throw new IllegalStateException("could not create the runs");
            }
            long start = System.nanoTime();
            for (int i = 0; i < metrics; i++) {
                tracker.stepMetric("log", "m" + (i % keys), 1.0 / (i + 1), i / keys, System.currentTimeMillis());
            }
            long called = System.nanoTime();
            boolean flushed = tracker.flush(Duration.ofMinutes(5));
            long done = System.nanoTime();
            tracker.stepFinished("log", StepOutcome.SUCCEEDED, Map.of(), List.of(), false, null);
            TrackingSummary summary = tracker.runFinished(StepOutcome.SUCCEEDED);
            if (!flushed || summary.spooled() > 0 || summary.rejected() > 0) {
                throw new IllegalStateException("run " + runId + ": flushed " + flushed + ", spooled " + summary.spooled()
                        + ", rejected " + summary.rejected());
            }
            double callsMs = (called - start) / 1e6;
            double totalMs = (done - start) / 1e6;
            System.err.printf(Locale.ROOT, "fermion MlflowTracker %s %d metrics: calls returned %8.1f ms, on the server %8.1f ms  (%s)%n",
                    timed ? "timed  " : "warm-up", metrics, callsMs, totalMs, summary.links().run());
            if (timed) {
                rows.add(String.format(Locale.ROOT, "{\"run\": \"%s\", \"calls_ms\": %.3f, \"total_ms\": %.3f}", runId, callsMs, totalMs));
            }
        }
        Files.writeString(out, "{\"tool\": \"fermion\", \"case\": \"MlflowTracker.stepMetric + flush\", \"metrics\": " + metrics
                + ", \"keys\": " + keys + ", \"warmups\": " + warmups + ", \"runs\": [\n  " + String.join(",\n  ", rows) + "\n]}\n");
    }
}
