package dev.fermion.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.components.TestBundles;
import dev.fermion.serving.http.InferenceServer;
import dev.fermion.serving.model.ServedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTest {
    private static final Pattern BUCKET =
            Pattern.compile("fermion_inference_latency_seconds_bucket\\{model=\"iris\",le=\"([^\"]+)\"} (\\d+)");

    @Test
    void countsRequestsErrorsAndLatencyPerModel(@TempDir Path dir) {
        Path bundle = TestBundles.classifier(dir.resolve("iris"));
        try (InferenceServer server = InferenceServer.start(
                List.of(ServedModel.load("iris", bundle.toString(), bundle, 1)), "127.0.0.1", 0)) {
            Http http = new Http(server.uri());
            String before = http.get("/metrics").body();
            assertThat(before)
                    .contains("fermion_inference_requests_total{model=\"iris\"} 0\n")
                    .contains("fermion_inference_latency_seconds_count{model=\"iris\"} 0\n");

            for (int i = 0; i < 3; i++) {
                assertThat(http.post("/v2/models/iris/infer", IrisRequests.tensor(i, i + 2))
                                .status())
                        .isEqualTo(200);
            }
            assertThat(http.post("/v2/models/iris/infer", "{").status()).isEqualTo(400);
            assertThat(http.post("/v2/models/other/infer", "{}").status()).isEqualTo(404);
            // Health and metadata calls are not inference requests.
            http.get("/v2/models/iris");

            Http.Response metrics = http.get("/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            String text = metrics.body();
            assertThat(text)
                    .contains("# TYPE fermion_inference_requests_total counter\n")
                    .contains("# TYPE fermion_inference_errors_total counter\n")
                    .contains("# TYPE fermion_inference_latency_seconds histogram\n")
                    .contains("fermion_inference_requests_total{model=\"iris\"} 4\n")
                    .contains("fermion_inference_errors_total{model=\"iris\",code=\"400\"} 1\n")
                    .contains("fermion_inference_requests_total{model=\"\"} 1\n")
                    .contains("fermion_inference_errors_total{model=\"\",code=\"404\"} 1\n")
                    .contains("fermion_inference_latency_seconds_bucket{model=\"iris\",le=\"+Inf\"} 4\n")
                    .contains("fermion_inference_latency_seconds_count{model=\"iris\"} 4\n")
                    .doesNotContain("code=\"200\"");

            List<Long> cumulative = new ArrayList<>();
            Matcher bucket = BUCKET.matcher(text);
            while (bucket.find()) {
                cumulative.add(Long.parseLong(bucket.group(2)));
            }
            assertThat(cumulative).hasSize(15).isSorted().last().isEqualTo(4L);
            assertThat(text).contains("le=\"0.0005\"").contains("le=\"10\"");
            Matcher sum = Pattern.compile("fermion_inference_latency_seconds_sum\\{model=\"iris\"} (\\S+)")
                    .matcher(text);
            assertThat(sum.find()).isTrue();
            assertThat(Double.parseDouble(sum.group(1))).isPositive();
        }
    }
}
