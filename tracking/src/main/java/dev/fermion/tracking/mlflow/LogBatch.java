package dev.fermion.tracking.mlflow;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The content of one {@code runs/log-batch} request, and the splitting of any amount of data into requests
 * the server accepts: at most 1,000 metrics, 100 params, 100 tags and 1,000 entities in all, under 1 MB.
 */
public record LogBatch(List<Metric> metrics, List<Param> params, List<Tag> tags) {
    static final int MAX_METRICS = 1000;
    static final int MAX_PARAMS = 100;
    static final int MAX_TAGS = 100;
    static final int MAX_ENTITIES = 1000;
    // Below the server's 1,000,000 bytes, leaving room for the run id and the JSON around the lists.
    static final int MAX_BYTES = 900_000;

    public LogBatch {
        metrics = List.copyOf(metrics);
        params = List.copyOf(params);
        tags = List.copyOf(tags);
    }

    /** Splits into requests within the server's limits, params and tags first so they land early. */
    public static List<LogBatch> split(List<Metric> metrics, List<Param> params, List<Tag> tags) {
        List<LogBatch> out = new ArrayList<>();
        Builder current = new Builder();
        for (Param p : params) {
            int size = bytes(p.key()) + bytes(p.value()) + 32;
            if (!current.fits(0, 1, 0, size)) {
                out.add(current.build());
                current = new Builder();
            }
            current.params.add(p);
            current.bytes += size;
        }
        for (Tag t : tags) {
            int size = bytes(t.key()) + bytes(t.value()) + 32;
            if (!current.fits(0, 0, 1, size)) {
                out.add(current.build());
                current = new Builder();
            }
            current.tags.add(t);
            current.bytes += size;
        }
        for (Metric m : metrics) {
            int size = bytes(m.key()) + 96;
            if (!current.fits(1, 0, 0, size)) {
                out.add(current.build());
                current = new Builder();
            }
            current.metrics.add(m);
            current.bytes += size;
        }
        if (!current.isEmpty()) {
            out.add(current.build());
        }
        return out;
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static final class Builder {
        final List<Metric> metrics = new ArrayList<>();
        final List<Param> params = new ArrayList<>();
        final List<Tag> tags = new ArrayList<>();
        int bytes;

        boolean isEmpty() {
            return metrics.isEmpty() && params.isEmpty() && tags.isEmpty();
        }

        boolean fits(int m, int p, int t, int size) {
            if (isEmpty()) {
                return true;
            }
            return metrics.size() + m <= MAX_METRICS
                    && params.size() + p <= MAX_PARAMS
                    && tags.size() + t <= MAX_TAGS
                    && metrics.size() + params.size() + tags.size() + m + p + t <= MAX_ENTITIES
                    && bytes + size <= MAX_BYTES;
        }

        LogBatch build() {
            return new LogBatch(metrics, params, tags);
        }
    }
}
