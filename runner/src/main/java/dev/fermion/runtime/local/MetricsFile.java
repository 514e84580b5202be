package dev.fermion.runtime.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads the metrics an attempt reported: the launcher appends one JSON object per {@code StepContext.metric}
 * call ({@code key}, {@code value}, {@code step}, {@code timestamp}) to the attempt's {@code metrics.jsonl},
 * in this JVM or in a step process alike.
 */
final class MetricsFile {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private MetricsFile() {}

    private static Optional<StepMetric> parse(String line) {
        if (line.isBlank()) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            // An attempt killed while appending leaves its last line cut short; that metric is lost.
            return Optional.empty();
        }
        // asDouble also reads NaN and infinity, which the launcher's JSON writes as strings.
        if (!node.hasNonNull("key") || !node.has("value")) {
            return Optional.empty();
        }
        return Optional.of(new StepMetric(
                node.get("key").asText(),
                node.get("value").asDouble(),
                node.path("step").asLong(0),
                node.path("timestamp").asLong(0)));
    }

    /**
     * Follows an attempt's metrics file while the attempt runs and hands each complete line's metric to
     * {@code sink}, so that a long step's metrics reach listeners (and MLflow) while it trains, not when it
     * ends. The file is read every {@code every} on {@code timer}; {@link Tail#close()} reads what is left.
     */
    static Tail follow(Path file, Consumer<StepMetric> sink, ScheduledExecutorService timer, Duration every) {
        Tail tail = new Tail(file, sink);
        tail.poll = timer.scheduleWithFixedDelay(
                tail::readQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return tail;
    }

    static final class Tail implements AutoCloseable {
        private final Path file;
        private final Consumer<StepMetric> sink;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private long offset;
        private ScheduledFuture<?> poll;

        private Tail(Path file, Consumer<StepMetric> sink) {
            this.file = file;
            this.sink = sink;
        }

        /** Stops following and delivers the metrics reported since the last read, in order. */
        @Override
        public void close() {
            poll.cancel(false);
            read();
        }

        private void readQuietly() {
            try {
                read();
            } catch (UncheckedIOException e) {
                // Read again on the next tick; close() reports what still fails.
            }
        }

        /** Synchronized: the timer and close() must not deliver the same lines twice or out of order. */
        private synchronized void read() {
            if (!Files.isRegularFile(file)) {
                return;
            }
            byte[] fresh;
            try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ)) {
                long size = channel.size();
                if (size <= offset) {
                    return;
                }
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size - offset, Integer.MAX_VALUE - 8));
                channel.position(offset);
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer) <= 0) {
                        break;
                    }
                }
                fresh = Arrays.copyOf(buffer.array(), buffer.position());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the metrics in " + file, e);
            }
            offset += fresh.length;
            int start = 0;
            for (int i = 0; i < fresh.length; i++) {
                if (fresh[i] == '\n') {
                    partial.write(fresh, start, i - start);
                    parse(partial.toString(StandardCharsets.UTF_8)).ifPresent(sink);
                    partial.reset();
                    start = i + 1;
                }
            }
            // A line still being written waits for the next read.
            partial.write(fresh, start, fresh.length - start);
        }
    }
}
