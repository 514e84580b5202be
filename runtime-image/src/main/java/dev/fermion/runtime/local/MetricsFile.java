package dev.fermion.runtime.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the metrics an attempt reported: the launcher appends one JSON object per {@code StepContext.metric}
 * call ({@code key}, {@code value}, {@code step}, {@code timestamp}) to the attempt's {@code metrics.jsonl},
 * in this JVM or in a step process alike.
 */
final class MetricsFile {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private MetricsFile() {
    }

    /** The metrics in the order they were reported; none when the attempt reported none. */
    static List<StepMetric> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metrics in " + file, e);
        }
        List<StepMetric> metrics = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                // An attempt killed while appending leaves its last line cut short; that metric is lost.
                continue;
            }
            // asDouble also reads NaN and infinity, which the launcher's JSON writes as strings.
            if (node.hasNonNull("key") && node.has("value")) {
                metrics.add(new StepMetric(node.get("key").asText(), node.get("value").asDouble(),
                        node.path("step").asLong(0), node.path("timestamp").asLong(0)));
            }
        }
        return metrics;
    }
}
