package dev.fermion.serving;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The command line of {@code fermion-serve}. */
public record ServeOptions(Map<String, String> models, String host, int port, int workers, boolean help) {
    public static final String USAGE = String.join("\n",
            "Usage: fermion-serve --model NAME=LOCATION [--model NAME=LOCATION ...] [--host HOST] [--port N]"
                    + " [--workers N]",
            "Serves Fermion model bundles over the KServe Open Inference Protocol v2 (REST) and /metrics.",
            "  --model NAME=LOCATION  serve the bundle at LOCATION (a directory written by TrainMlp) as NAME;",
            "                         repeat for several models",
            "  --host HOST            address to listen on (default 127.0.0.1; 0.0.0.0 in a container)",
            "  --port N               port to listen on (default 8080; 0 picks a free port)",
            "  --workers N            loaded copies of each model, the requests it runs at once",
            "                         (default: the number of processors)");
    private static final int DEFAULT_PORT = 8080;

    public ServeOptions {
        models = Map.copyOf(models);
    }

    public static ServeOptions parse(List<String> args) {
        Map<String, String> models = new LinkedHashMap<>();
        String host = "127.0.0.1";
        int port = DEFAULT_PORT;
        int workers = Runtime.getRuntime().availableProcessors();
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            if (flag.equals("--help") || flag.equals("-h")) {
                return new ServeOptions(Map.of(), host, port, workers, true);
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
                default:
                    throw new IllegalArgumentException("Unknown option '" + flag + "'");
            }
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("No model to serve: give at least one --model NAME=LOCATION");
        }
        return new ServeOptions(models, host, port, workers, false);
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
        throw new IllegalArgumentException(flag + " takes a whole number from " + min + " to " + max + ", got '"
                + value + "'");
    }
}
