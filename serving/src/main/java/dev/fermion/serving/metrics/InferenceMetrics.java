package dev.fermion.serving.metrics;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Request, error and latency figures of the infer endpoint per model, written in the Prometheus text
 * exposition format 0.0.4. Requests for a model the server does not serve are counted under an empty
 * model label, so arbitrary names in URLs cannot grow the number of series.
 */
public final class InferenceMetrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String UNKNOWN_MODEL = "";

    private final Map<String, ModelSeries> series = new ConcurrentHashMap<>();

    private static final class ModelSeries {
        final LongAdder requests = new LongAdder();
        final LongAdder nonFinite = new LongAdder();
        final Map<Integer, LongAdder> errors = new ConcurrentSkipListMap<>();
        final LatencyHistogram latency = new LatencyHistogram();
    }

    private final Map<String, IntSupplier> queued;

    /**
     * Starts series for the served models at zero, so dashboards see them before the first request;
     * {@code queued} tells, per model, how many requests wait for a worker now.
     */
    public InferenceMetrics(Map<String, IntSupplier> queued) {
        this.queued = new TreeMap<>(queued);
        queued.keySet().forEach(model -> series.put(model, new ModelSeries()));
    }

    /** Records one infer request; {@code status} is its HTTP status, an error when 400 or above. */
    public void record(String model, int status, double seconds) {
        ModelSeries s = series.containsKey(model)
                ? series.get(model)
                : series.computeIfAbsent(UNKNOWN_MODEL, m -> new ModelSeries());
        s.requests.increment();
        if (status >= 400) {
            s.errors.computeIfAbsent(status, c -> new LongAdder()).increment();
        }
        s.latency.observe(seconds);
    }

    /** Counts a request of {@code model} whose answer would have held NaN or an infinity. */
    public void recordNonFiniteOutput(String model) {
        ModelSeries s = series.get(model);
        if (s != null) {
            s.nonFinite.increment();
        }
    }

    public String exposition() {
        Map<String, ModelSeries> sorted = new TreeMap<>(series);
        StringBuilder out = new StringBuilder();
        header(out, "fermion_inference_requests_total", "counter", "Inference requests received, by model.");
        sorted.forEach((model, s) -> sample(out, "fermion_inference_requests_total", labels(model), s.requests.sum()));
        header(
                out,
                "fermion_inference_errors_total",
                "counter",
                "Inference requests answered with an error status, by model and HTTP status code.");
        sorted.forEach((model, s) -> s.errors.forEach((code, n) ->
                sample(out, "fermion_inference_errors_total", labels(model) + ",code=\"" + code + "\"", n.sum())));
        header(
                out,
                "fermion_inference_nonfinite_outputs_total",
                "counter",
                "Inference requests refused because the model computed NaN or an infinity from finite inputs.");
        sorted.forEach((model, s) ->
                sample(out, "fermion_inference_nonfinite_outputs_total", labels(model), s.nonFinite.sum()));
        header(
                out,
                "fermion_inference_queued_requests",
                "gauge",
                "Inference requests waiting for a worker of their model.");
        queued.forEach(
                (model, length) -> sample(out, "fermion_inference_queued_requests", labels(model), length.getAsInt()));
        header(
                out,
                "fermion_inference_latency_seconds",
                "histogram",
                "Time from receiving an inference request to having its response, in seconds.");
        sorted.forEach((model, s) -> {
            LatencyHistogram.Snapshot snapshot = s.latency.snapshot();
            for (int i = 0; i < LatencyHistogram.BOUNDS.size(); i++) {
                String le = BigDecimal.valueOf(LatencyHistogram.BOUNDS.get(i))
                        .stripTrailingZeros()
                        .toPlainString();
                sample(
                        out,
                        "fermion_inference_latency_seconds_bucket",
                        labels(model) + ",le=\"" + le + "\"",
                        snapshot.cumulative()[i]);
            }
            sample(out, "fermion_inference_latency_seconds_bucket", labels(model) + ",le=\"+Inf\"", snapshot.count());
            out.append("fermion_inference_latency_seconds_sum{")
                    .append(labels(model))
                    .append("} ")
                    .append(snapshot.sum())
                    .append('\n');
            sample(out, "fermion_inference_latency_seconds_count", labels(model), snapshot.count());
        });
        return out.toString();
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, long value) {
        out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }

    private static String labels(String model) {
        return "model=\"" + escape(model) + "\"";
    }

    // Label values escape backslash, double quote and line feed (exposition format 0.0.4).
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
