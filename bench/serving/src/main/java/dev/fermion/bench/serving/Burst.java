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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bursts of clients all at once against fermion-serve on loopback: each burst opens {@code clients}
 * connections and sends one POST on each without waiting, then waits for every answer. An answer counts as
 * correct only if it is byte for byte the answer to the same request sent alone first; a refusal only if it
 * is a 503 with {@code Retry-After}; anything else is an error. Around each burst it reads the server's
 * threads and memory from the kernel ({@code /proc/PID/status}) and the JVM's peak thread count from
 * {@code /metrics}.
 *
 * <pre>
 * java ... Burst --out FILE --url URL --body BODY_FILE --pid PID [--clients 1000] [--trials 5]
 * </pre>
 */
public final class Burst {
    private Burst() {
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        URI url = null;
        String body = null;
        long pid = -1;
        int clients = 1000;
        int trials = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out": out = Path.of(args[++i]); break;
                case "--url": url = URI.create(args[++i]); break;
                case "--body": body = Files.readString(Path.of(args[++i])); break;
                case "--pid": pid = Long.parseLong(args[++i]); break;
                case "--clients": clients = Integer.parseInt(args[++i]); break;
                case "--trials": trials = Integer.parseInt(args[++i]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null || url == null || body == null || pid < 0) {
            throw new IllegalArgumentException("--out, --url, --body and --pid are required");
        }
        if (!"127.0.0.1".equals(url.getHost()) && !"localhost".equals(url.getHost())) {
            throw new IllegalArgumentException("only loopback targets: " + url);
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        URI metrics = url.resolve("/metrics");
        HttpClient probe = HttpClient.newHttpClient();
        HttpResponse<String> alone = probe.send(request, HttpResponse.BodyHandlers.ofString());
        if (alone.statusCode() != 200) {
            throw new IllegalStateException("the request alone got HTTP " + alone.statusCode() + ": " + alone.body());
        }
        long restThreads = status(pid, "Threads");
        long restRss = status(pid, "VmRSS");
        long restJava = gauge(probe.send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString()).body(), "jvm_threads_current");
        List<String> rows = new ArrayList<>();
        ExecutorService clientThreads = Executors.newFixedThreadPool(4);
        try {
            for (int t = 1; t <= trials; t++) {
                // A client of its own per burst: a thousand new connections each time.
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .executor(clientThreads).connectTimeout(Duration.ofMinutes(1)).build();
                long[] sent = new long[clients];
                long[] took = new long[clients];
                List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>(clients);
                long start = System.nanoTime();
                for (int i = 0; i < clients; i++) {
                    int n = i;
                    sent[n] = System.nanoTime();
                    calls.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                            .whenComplete((r, e) -> took[n] = System.nanoTime() - sent[n]));
                }
                CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                        .get(5, TimeUnit.MINUTES);
                double seconds = (System.nanoTime() - start) / 1e9;
                List<Long> answered = new ArrayList<>();
                List<Long> refused = new ArrayList<>();
                int errors = 0;
                for (int i = 0; i < clients; i++) {
                    HttpResponse<String> response = calls.get(i).isCompletedExceptionally() ? null : calls.get(i).get();
                    if (response != null && response.statusCode() == 200 && response.body().equals(alone.body())) {
                        answered.add(took[i]);
                    } else if (response != null && response.statusCode() == 503
                            && response.headers().firstValue("Retry-After").isPresent()) {
                        refused.add(took[i]);
                    } else {
                        if (errors++ == 0) {
                            System.err.println("burst " + t + ": " + (response == null ? calls.get(i).handle((r, e) -> e)
                                    .get() : "HTTP " + response.statusCode() + " " + response.body()));
                        }
                    }
                }
                long threads = status(pid, "Threads");
                long peakRss = status(pid, "VmHWM");
                long peakJava = gauge(probe.send(HttpRequest.newBuilder(metrics).build(),
                        HttpResponse.BodyHandlers.ofString()).body(), "jvm_threads_peak");
                System.err.printf(Locale.ROOT, "burst %d: %d answered, %d refused, %d errors in %.2f s; "
                                + "threads %d (JVM peak %d), peak RSS %d MiB%n", t, answered.size(), refused.size(),
                        errors, seconds, threads, peakJava, peakRss / 1024);
                rows.add(String.format(Locale.ROOT, "{\"trial\": %d, \"clients\": %d, \"answered\": %d, \"refused\": %d,"
                                + " \"errors\": %d, \"seconds\": %.4f, \"answered_p50_ms\": %.4f, \"answered_p99_ms\": %.4f,"
                                + " \"refused_p50_ms\": %.4f, \"threads\": %d, \"jvm_threads_peak\": %d, \"peak_rss_kib\": %d}",
                        t, clients, answered.size(), refused.size(), errors, seconds, percentile(answered, 50),
                        percentile(answered, 99), percentile(refused, 50), threads, peakJava, peakRss));
            }
        } finally {
            clientThreads.shutdownNow();
        }
        Files.writeString(out, String.format(Locale.ROOT, "{\"clients\": %d, \"trials\": %d, \"rest_threads\": %d,"
                + " \"rest_jvm_threads\": %d, \"rest_rss_kib\": %d, \"results\": [%n  %s%n]}%n", clients, trials,
                restThreads, restJava, restRss, String.join(",\n  ", rows)));
    }

    private static double percentile(List<Long> nanos, double p) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    private static long gauge(String metrics, String name) {
        Matcher sample = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\d+)$").matcher(metrics);
        if (!sample.find()) {
            throw new IllegalStateException("no " + name + " in /metrics");
        }
        return Long.parseLong(sample.group(2));
    }

    /** A number of /proc/PID/status: a count, or KiB for memory. */
    private static long status(long pid, String field) throws java.io.IOException {
        return Arrays.stream(Files.readString(Path.of("/proc", Long.toString(pid), "status")).split("\n"))
                .filter(l -> l.startsWith(field + ":")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                .orElseThrow(() -> new IllegalStateException("no " + field + " in /proc/" + pid + "/status"));
    }
}
