package dev.fermion.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.serving.http.ServerLimits;
import dev.fermion.serving.model.ServedModel;
import dev.fermion.serving.source.ModelSources;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeOptionsTest {
    @Test
    void readsRepeatedModelsHostPortAndWorkers() {
        ServeOptions options = ServeOptions.parse(List.of(
                "--model",
                "iris=/models/iris",
                "--model",
                "wine=file:///models/wine",
                "--host",
                "0.0.0.0",
                "--port",
                "0",
                "--workers",
                "3"));
        assertThat(options.models()).containsEntry("iris", "/models/iris").containsEntry("wine", "file:///models/wine");
        assertThat(options.host()).isEqualTo("0.0.0.0");
        assertThat(options.port()).isZero();
        assertThat(options.workers()).isEqualTo(3);
        assertThat(options.maxQueue()).as("per worker by default").isEqualTo(48);
        assertThat(options.limits()).isEqualTo(ServerLimits.defaults());
        ServeOptions defaults = ServeOptions.parse(List.of("--model", "a=b"));
        assertThat(defaults.port()).isEqualTo(8080);
        assertThat(defaults.limits().maxRequestBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(ServeOptions.parse(List.of("--help")).help()).isTrue();
    }

    @Test
    void readsTheServersLimits() {
        ServeOptions options = ServeOptions.parse(List.of(
                "--model",
                "iris=/m",
                "--workers",
                "2",
                "--max-queue",
                "0",
                "--http-threads",
                "8",
                "--max-request-size",
                "512Ki"));
        assertThat(options.maxQueue()).isZero();
        assertThat(options.limits()).isEqualTo(new ServerLimits(8, 512 * 1024));
        assertThat(ServeOptions.parse(List.of("--model", "a=b", "--max-request-size", "4Mi"))
                        .limits()
                        .maxRequestBytes())
                .isEqualTo(4L * 1024 * 1024);
        assertThat(ServeOptions.parse(List.of("--model", "a=b", "--max-request-size", "1000"))
                        .limits()
                        .maxRequestBytes())
                .isEqualTo(1000);
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--model", "a=b", "--max-request-size", "2Gi")))
                .hasMessageContaining("--max-request-size takes a size from 1 byte to 1Gi")
                .hasMessageContaining("'2Gi'");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--model", "a=b", "--max-request-size", "16MB")))
                .hasMessageContaining("'16MB'");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--model", "a=b", "--http-threads", "2")))
                .hasMessageContaining("--http-threads takes a whole number from 4 to 1024, got '2'");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--model", "a=b", "--max-queue", "-1")))
                .hasMessageContaining("--max-queue takes a whole number from 0");
    }

    @Test
    void refusesBadCommandLinesNamingTheOption() {
        assertThatThrownBy(() -> ServeOptions.parse(List.of())).hasMessageContaining("No model to serve");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--model", "iris"))).hasMessageContaining("NAME=LOCATION");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--model", "a=x", "--model", "a=y")))
                .hasMessageContaining("'a' is given twice");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--model", "a=x", "--port", "70000")))
                .hasMessageContaining("--port takes a whole number from 0 to 65535, got '70000'");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--model", "a=x", "--workers")))
                .hasMessageContaining("'--workers' needs a value");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--model", "a=x", "--verbose", "yes")))
                .hasMessageContaining("Unknown option '--verbose'");
    }

    @Test
    void resolvesLocalDirectoriesAndRefusesOtherLocations(@TempDir Path dir) {
        ModelSources sources = ModelSources.standard();
        assertThat(sources.resolve(dir.toString()))
                .isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(sources.resolve(dir.toUri().toString()))
                .isEqualTo(dir.toAbsolutePath().normalize());
        assertThatThrownBy(() -> sources.resolve("models:/iris@champion"))
                .hasMessageContaining("No model source reads location 'models:/iris@champion'")
                .hasMessageContaining("a local directory");
        assertThatThrownBy(() -> sources.resolve(dir.resolve("absent").toString()))
                .hasMessageContaining("is not a directory");
    }

    @Test
    void refusesToLoadWhatIsNotABundle(@TempDir Path dir) {
        assertThatThrownBy(() -> ServedModel.load("iris", "here", dir, 1))
                .hasMessageContaining("Cannot load model 'iris' from here")
                .hasMessageContaining("no bundle.json");
        assertThatThrownBy(() -> ServedModel.load("bad/name", "here", dir, 1))
                .hasMessageContaining("Model name 'bad/name' is not usable in a URL path");
    }
}
