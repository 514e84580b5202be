package dev.fermion.tracking.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogBatchTest {

    @Test
    void splitsWithinEveryLimitAndKeepsEverything() {
        List<Metric> metrics = IntStream.range(0, 2_500)
                .mapToObj(i -> new Metric("loss", i, 1000L + i, i))
                .toList();
        List<Param> params = IntStream.range(0, 250)
                .mapToObj(i -> new Param("p" + i, "v" + i))
                .toList();
        List<Tag> tags =
                IntStream.range(0, 150).mapToObj(i -> new Tag("t" + i, "v" + i)).toList();

        List<LogBatch> batches = LogBatch.split(metrics, params, tags);

        for (LogBatch b : batches) {
            assertThat(b.metrics()).hasSizeLessThanOrEqualTo(1000);
            assertThat(b.params()).hasSizeLessThanOrEqualTo(100);
            assertThat(b.tags()).hasSizeLessThanOrEqualTo(100);
            assertThat(b.metrics().size() + b.params().size() + b.tags().size()).isLessThanOrEqualTo(1000);
        }
        assertThat(batches.stream().flatMap(b -> b.metrics().stream()).toList()).isEqualTo(metrics);
        assertThat(batches.stream().flatMap(b -> b.params().stream()).toList()).isEqualTo(params);
        assertThat(batches.stream().flatMap(b -> b.tags().stream()).toList()).isEqualTo(tags);
    }

    @Test
    void splitsLargeValuesToStayUnderOneMegabyte() {
        String big = "x".repeat(6000);
        List<Param> params = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            params.add(new Param("p" + i, big));
        }
        List<Tag> tags = IntStream.range(0, 100)
                .mapToObj(i -> new Tag("t" + i, "y".repeat(8000)))
                .toList();

        List<LogBatch> batches = LogBatch.split(List.of(), params, tags);

        assertThat(batches).hasSizeGreaterThan(1);
        for (LogBatch b : batches) {
            int bytes = b.params().stream().mapToInt(p -> p.value().length()).sum()
                    + b.tags().stream().mapToInt(t -> t.value().length()).sum();
            assertThat(bytes).isLessThan(1_000_000);
        }
        assertThat(batches.stream()
                        .mapToInt(b -> b.params().size() + b.tags().size())
                        .sum())
                .isEqualTo(200);
    }

    @Test
    void nothingToLogIsNoRequest() {
        assertThat(LogBatch.split(List.of(), List.of(), List.of())).isEmpty();
    }
}
