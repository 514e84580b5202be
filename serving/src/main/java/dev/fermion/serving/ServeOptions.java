package dev.fermion.serving;

import dev.fermion.serving.http.ServerLimits;
import dev.fermion.serving.model.ServedModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of {@code fermion-serve}.
 *
 * @param workers  loaded copies of each model, each run by a worker thread of its own
 * @param maxQueue requests of a model that may wait for a worker; more are answered 503 at once
 */
public record ServeOptions(
        Map<String, String> models,
        String host,
        int port,
        int workers,
        int maxQueue,
        ServerLimits limits,
        boolean help) {
    public static final String USAGE = String.join(
            "\n",
            "Usage: fermion-serve --model NAME=LOCATION [--model NAME=LOCATION ...] [--host HOST] [--port N]"
                    + " [--workers N] [--max-queue N] [--http-threads N] [--max-request-size SIZE]",
            "Serves Fermion model bundles over the KServe Open Inference Protocol v2 (REST) and /metrics.",
            "  --model NAME=LOCATION    serve the bundle at LOCATION (a directory written by TrainMlp) as NAME;",
            "                           repeat for several models",
            "  --host HOST              address to listen on (default 127.0.0.1; 0.0.0.0 in a container)",
            "  --port N                 port to listen on (default 8080; 0 picks a free port)",
            "  --workers N              loaded copies of each model, the requests it runs at once",
            "                           (default: the number of processors)",
            "  --max-queue N            requests of a model that may wait for a worker; more are answered",
            "                           503 with Retry-After at once (default: " + ServedModel.QUEUED_PER_WORKER
                    + " per worker)",
            "  --http-threads N         threads that read requests and send answers, all started at once",
            "                           (default " + ServerLimits.DEFAULT_HTTP_THREADS + ")",
            "  --max-request-size SIZE  larger request bodies are refused with 413, e.g. 512Ki, 4Mi",
            "                           (default "
                    + ServerLimits.describe(ServerLimits.DEFAULT_MAX_REQUEST_BYTES)
                            .replace(" MiB", "Mi") + ")",
            "At most models x (workers + max-queue) + http-threads request bodies are in memory at once.");
    private static final int DEFAULT_PORT = 8080;
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,10})(Ki|Mi|Gi)?");

    public ServeOptions {
        models = Map.copyOf(models);
    }

    public static ServeOptions parse(List<String> args) {
        Map<String, String> models = new LinkedHashMap<>();
        String host = "127.0.0.1";
        int port = DEFAULT_PORT;
        int workers = Runtime.getRuntime().availableProcessors();
        Integer maxQueue = null;
        int httpThreads = ServerLimits.DEFAULT_HTTP_THREADS;
        long maxRequestBytes = ServerLimits.DEFAULT_MAX_REQUEST_BYTES;
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            if (flag.equals("--help") || flag.equals("-h")) {
                return new ServeOptions(Map.of(), host, port, workers, 0, ServerLimits.defaults(), true);
            }
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("Option '" + flag + "' needs a value (or is unknown)");
            }
            String value = rest.remove(0);
            switch (flag) {
                case "--model":
                    int eq = value.indexOf('=');
                    if (eq < 1 || eq == value.length() - 1) {
                        throw new IllegalArgumentException("--model takes NAME=LOCATION, got '" + value + "'");
                    }
                    String name = value.substring(0, eq);
                    if (models.put(name, value.substring(eq + 1)) != null) {
                        throw new IllegalArgumentException("Model name '" + name + "' is given twice");
                    }
                    break;
                case "--host":
                    host = value;
                    break;
                case "--port":
                    port = integer(flag, value, 0, 65535);
                    break;
                case "--workers":
                    workers = integer(flag, value, 1, 1024);
                    break;
                case "--max-queue":
                    maxQueue = integer(flag, value, 0, 100_000);
                    break;
                case "--http-threads":
                    httpThreads = integer(flag, value, ServerLimits.MIN_HTTP_THREADS, 1024);
                    break;
                case "--max-request-size":
                    maxRequestBytes = size(flag, value);
                    break;
                default:
                    throw new IllegalArgumentException("Unknown option '" + flag + "'");
            }
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("No model to serve: give at least one --model NAME=LOCATION");
        }
        return new ServeOptions(
                models,
                host,
                port,
                workers,
                maxQueue != null ? maxQueue : ServedModel.QUEUED_PER_WORKER * workers,
                new ServerLimits(httpThreads, maxRequestBytes),
                false);
    }

    private static long size(String flag, String value) {
        Matcher size = SIZE.matcher(value);
        if (size.matches()) {
            long bytes = Long.parseLong(size.group(1))
                    * switch (size.group(2) == null ? "" : size.group(2)) {
                        case "Ki" -> 1024L;
                        case "Mi" -> 1024L * 1024;
                        case "Gi" -> 1024L * 1024 * 1024;
                        default -> 1L;
                    };
            if (bytes >= 1 && bytes <= ServerLimits.MAX_REQUEST_BYTES) {
                return bytes;
            }
        }
        throw new IllegalArgumentException(
                flag + " takes a size from 1 byte to 1Gi, in bytes or with Ki, Mi or Gi, " + "got '" + value + "'");
    }

    private static int integer(String flag, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw new IllegalArgumentException(
                flag + " takes a whole number from " + min + " to " + max + ", got '" + value + "'");
    }
}
