package dev.fermion.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImageMapTest {
    @Test
    void replacesExactlyTheNamedImages() {
        ImageMap map = ImageMap.parse(List.of(
                "python:3.12-slim=localhost/python:3",
                " ghcr.io/fermion-ml/fermion-runtime:0.1.0 = localhost/fermion-runtime:dev "));

        assertThat(map.apply("python:3.12-slim")).isEqualTo("localhost/python:3");
        assertThat(map.apply("ghcr.io/fermion-ml/fermion-runtime:0.1.0")).isEqualTo("localhost/fermion-runtime:dev");
        assertThat(map.apply("python:3.12")).isEqualTo("python:3.12");
        assertThat(ImageMap.NONE.apply("alpine:3.20")).isEqualTo("alpine:3.20");
    }

    @Test
    void aPairThatIsNotTwoImageNamesIsRejectedByName() {
        assertThatThrownBy(() -> ImageMap.parse(List.of("python:3.12-slim")))
                .hasMessageContaining("'python:3.12-slim' is not IMAGE=REPLACEMENT");
        assertThatThrownBy(() -> ImageMap.parse(List.of("python:3=$(rm -rf /)")))
                .hasMessageContaining("is not IMAGE=REPLACEMENT");
        assertThatThrownBy(() -> ImageMap.parse(List.of("a:1=b:1", "a:1=c:1")))
                .hasMessageContaining("image a:1 is mapped twice, to b:1 and to c:1");
    }
}
