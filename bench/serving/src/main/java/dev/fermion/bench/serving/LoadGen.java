package dev.fermion.bench.serving;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load generator for loopback servers: {@code concurrency} threads each send one POST, wait for the
 * answer, and send the next, until {@code requests} answers (or {@code max-seconds}). Targets are interleaved:
 * for each trial, for each target, for each concurrency: warm-up requests, then the timed ones.
 *
 * <pre>
 * java ... LoadGen --out FILE --target NAME URL BODY_FILE [--target ...] [--concurrency 1,16] [--requests 2000]
 *                  [--warmup 200] [--trials 3] [--max-seconds 60] [--expect TEXT]
 * </pre>
 * Only 127.0.0.1 and localhost URLs are accepted. A request counts as an error unless the answer is 200 and
 * contains {@code --expect} (default {@code setosa}, a label the iris model's answers name).
 */
public final class LoadGen {
    private LoadGen() {
    }

    record Target(String name, URI uri, String body) {
    }

    public static void main(String[] args) throws Exception {
        List<Target> targets = new ArrayList<>();
        int[] concurrency = {1, 16};
        int requests = 2000;
        int warmup = 200;
        int trials = 3;
        int maxSeconds = 60;
        String expect = "setosa";
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--target":
                    URI uri = URI.create(args[i + 2]);
                    if (!"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost())) {
                        throw new IllegalArgumentException("only loopback targets: " + uri);
                    }
                    targets.add(new Target(args[i + 1], uri, Files.readString(Path.of(args[i + 3]))));
                    i += 3;
                    break;
                case "--concurrency": concurrency = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray(); break;
                case "--requests": requests = Integer.parseInt(args[++i]); break;
                case "--warmup": warmup = Integer.parseInt(args[++i]); break;
                case "--trials": trials = Integer.parseInt(args[++i]); break;
                case "--max-seconds": maxSeconds = Integer.parseInt(args[++i]); break;
                case "--expect": expect = args[++i]; break;
                case "--out": out = Path.of(args[++i]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null || targets.isEmpty()) {
            throw new IllegalArgumentException("--out and at least one --target are required");
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<String> rows = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            for (Target target : targets) {
                for (int c : concurrency) {
                    run(client, target, c, warmup, maxSeconds, expect); // warm-up, not recorded
                    Stats s = run(client, target, c, requests, maxSeconds, expect);
                    System.err.printf(Locale.ROOT, "trial %d %-8s c=%-3d %6d ok %4d errors %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms%n",
                            t + 1, target.name(), c, s.ok, s.errors, s.rps(), s.percentile(50), s.percentile(99));
                    rows.add(String.format(Locale.ROOT,
                            "{\"trial\": %d, \"target\": \"%s\", \"concurrency\": %d, \"ok\": %d, \"errors\": %d, \"seconds\": %.4f,"
                                    + " \"rps\": %.2f, \"p50_ms\": %.4f, \"p90_ms\": %.4f, \"p99_ms\": %.4f, \"max_ms\": %.4f, \"mean_ms\": %.4f}",
                            t + 1, target.name(), c, s.ok, s.errors, s.seconds, s.rps(), s.percentile(50), s.percentile(90),
                            s.percentile(99), s.max(), s.mean()));
                }
            }
        }
        Files.writeString(out, "{\"requests\": " + requests + ", \"warmup\": " + warmup + ", \"trials\": " + trials
                + ", \"results\": [\n  " + String.join(",\n  ", rows) + "\n]}\n");
    }

    static final class Stats {
        long[] nanos;
        int ok;
        int errors;
        double seconds;

        double rps() {
            return ok / seconds;
        }

        double percentile(double p) {
            if (ok == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100.0 * ok) - 1;
            return nanos[Math.max(0, Math.min(ok - 1, index))] / 1e6;
        }

        double max() {
            return ok == 0 ? Double.NaN : nanos[ok - 1] / 1e6;
        }

        double mean() {
            return ok == 0 ? Double.NaN : Arrays.stream(nanos, 0, ok).average().orElse(0) / 1e6;
        }
    }

    private static Stats run(HttpClient client, Target target, int concurrency, int requests, int maxSeconds, String expect)
            throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(target.uri()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(target.body())).build();
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong firstError = new AtomicLong(-1);
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            Thread thread = new Thread(() -> {
                while (next.getAndIncrement() < requests && System.nanoTime() < deadline) {
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - sent;
                        if (response.statusCode() == 200 && response.body().contains(expect)) {
                            latencies[ok.getAndIncrement()] = took;
                        } else {
                            if (errors.getAndIncrement() == 0) {
                                System.err.println(target.name() + ": HTTP " + response.statusCode() + " " + response.body());
                            }
                        }
                    } catch (Exception e) {
                        if (errors.getAndIncrement() == 0) {
                            System.err.println(target.name() + ": " + e);
                        }
                        firstError.compareAndSet(-1, System.nanoTime());
                    }
                }
            }, "load-" + i);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Stats s = new Stats();
        s.seconds = (System.nanoTime() - start) / 1e9;
        s.ok = ok.get();
        s.errors = errors.get();
        s.nanos = Arrays.copyOf(latencies, s.ok);
        Arrays.sort(s.nanos);
        return s;
    }
}
