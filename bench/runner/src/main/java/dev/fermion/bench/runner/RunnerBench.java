package dev.fermion.bench.runner;

import dev.fermion.dsl.Pipeline;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.runtime.local.Isolation;
import dev.fermion.runtime.local.LocalRunner;
import dev.fermion.runtime.local.RunOptions;
import dev.fermion.runtime.local.RunResult;
import dev.fermion.plan.Plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Wall time of whole local runs of no-op pipelines, per step. Shapes as in bench/runner/kfp_local.py:
 * {@code chain} (step i reads step i-1) and {@code fanout} (one root; every other step reads the root).
 *
 * <pre>
 * java -cp ... dev.fermion.bench.runner.RunnerBench --out FILE [--n 1000] [--proc-n 20] [--repeats 7] [--proc-repeats 3]
 *      [--warmups 3] [--also-sizes 100,300] [--process-only true]
 * </pre>
 * Writes one JSON object: for each case, every timed run's milliseconds (after warm-up runs in the same JVM).
 */
public final class RunnerBench {
    private RunnerBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = 1000;
        int procN = 20;
        int repeats = 7;
        int procRepeats = 3;
        int warmups = 3;
        List<Integer> sizes = new ArrayList<>();
        boolean processOnly = false;
        Path out = null;
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--n": n = Integer.parseInt(value); break;
                case "--proc-n": procN = Integer.parseInt(value); break;
                case "--repeats": repeats = Integer.parseInt(value); break;
                case "--proc-repeats": procRepeats = Integer.parseInt(value); break;
                case "--warmups": warmups = Integer.parseInt(value); break;
                case "--out": out = Path.of(value); break;
                case "--process-only": processOnly = Boolean.parseBoolean(value); break;
                case "--also-sizes":
                    for (String size : value.split(",")) {
                        sizes.add(Integer.parseInt(size.trim()));
                    }
                    break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out FILE is required");
        }
        List<String> cases = new ArrayList<>();
        for (String shape : processOnly ? List.<String>of() : List.of("chain", "fanout")) {
            cases.add(measure(shape, n, Isolation.IN_PROCESS, warmups, repeats));
        }
        // Smaller runs of the same shapes: whether the cost per step grows with the size of the run.
        for (int size : processOnly ? List.<Integer>of() : sizes) {
            for (String shape : List.of("chain", "fanout")) {
                cases.add(measure(shape, size, Isolation.IN_PROCESS, warmups, repeats));
            }
        }
        for (String shape : List.of("chain", "fanout")) {
            cases.add(measure(shape, procN, Isolation.PROCESS, 1, procRepeats));
        }
        String json = "{\"tool\": \"fermion\", \"parallelism\": " + Runtime.getRuntime().availableProcessors()
                + ", \"cases\": [\n  " + String.join(",\n  ", cases) + "\n]}\n";
        Files.writeString(out, json);
    }

    private static String join(List<Double> times) {
        StringBuilder ms = new StringBuilder();
        for (double t : times) {
            ms.append(ms.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", t));
        }
        return ms.toString();
    }

    static Plan pipeline(String shape, int n) {
        return Pipeline.named("bench-" + shape + "-" + n).define(p -> {
            var root = p.step("s0", new Noop()).with(Noop.X, 0);
            var previous = root;
            for (int i = 1; i < n; i++) {
                var from = "chain".equals(shape) ? previous : root;
                previous = p.step("s" + i, new Noop()).with(Noop.X, from.out(Noop.Y));
            }
        }).plan();
    }

    private static String measure(String shape, int n, Isolation isolation, int warmups, int repeats) throws IOException {
        Path home = Files.createTempDirectory("fermion-runner-bench-");
        try {
            // Cache off: every run executes every step (a cached run would measure the cache instead).
            RunOptions options = RunOptions.defaults().withHome(new FermionHome(home)).withCache(false).withIsolation(isolation);
            List<Double> times = new ArrayList<>();
            List<Double> warmupTimes = new ArrayList<>();
            long recordBytes = 0;
            for (int r = 0; r < warmups + repeats; r++) {
                Plan plan = pipeline(shape, n); // defining and planning are not timed: only the runner
                long start = System.nanoTime();
                RunResult result = new LocalRunner(options).run(plan, Map.of());
                double millis = (System.nanoTime() - start) / 1e6;
                long steps = result.record().steps().values().stream().filter(s -> "step".equals(s.kind())).count();
                if (!result.succeeded() || steps != n) {
                    throw new IllegalStateException(shape + " " + isolation + ": status " + result.status() + ", " + steps + " steps of " + n);
                }
                System.err.printf(Locale.ROOT, "%-7s %-10s n=%-5d %s %9.1f ms  %6.3f ms/step%n", shape, isolation, n,
                        r < warmups ? "warm-up" : "timed  ", millis, millis / n);
                (r >= warmups ? times : warmupTimes).add(millis);
                recordBytes = Files.size(result.runDir().resolve("run.json"));
            }
            // Process isolation makes a class-data archive of the launcher's jars after its first run (LauncherArchive)
            // when the class path starts with jars; run.sh measures it both ways.
            boolean archive;
            try (Stream<Path> files = Files.exists(home.resolve("class-data")) ? Files.list(home.resolve("class-data")) : Stream.empty()) {
                archive = files.anyMatch(f -> f.toString().endsWith(".jsa"));
            }
            return String.format(Locale.ROOT, "{\"shape\": \"%s\", \"isolation\": \"%s\", \"steps\": %d, \"warmups\": %d, \"record_bytes\": %d, \"class_data_archive\": %s, \"warmup_ms\": [%s], \"ms\": [%s]}",
                    shape, isolation.name().toLowerCase(Locale.ROOT), n, warmups, recordBytes, archive, join(warmupTimes), join(times));
        } finally {
            try (Stream<Path> walk = Files.walk(home)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
