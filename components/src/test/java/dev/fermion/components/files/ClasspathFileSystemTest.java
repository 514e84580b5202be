package dev.fermion.components.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.components.TestContext;
import dev.fermion.components.data.PrepareCsv;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code resource:/PATH} sources: data shipped in a jar or class directory, read by the steps through Beam. */
class ClasspathFileSystemTest {
    private static final String IRIS = "resource:/fermion/test/iris.csv";

    @TempDir
    Path tmp;

    @Test
    void prepareCsvReadsASourceFromTheClasspath() throws Exception {
        TestContext ctx = new TestContext(tmp, "prepare")
                .with(PrepareCsv.SOURCE, IRIS)
                .with(PrepareCsv.LABEL, "species")
                .with(PrepareCsv.STRATIFY, true)
                .run(new PrepareCsv());

        assertThat(ctx.value(PrepareCsv.ROWS)).isEqualTo(150L);
        assertThat(ctx.value(PrepareCsv.REJECTED_ROWS)).isZero();
    }

    @Test
    void aResourceMatchesWithItsSizeAndReadsAsTheFile() throws Exception {
        FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
        MatchResult.Metadata metadata = FileSystems.matchSingleFileSpec(IRIS);
        byte[] expected = Files.readAllBytes(Path.of("../examples/data/iris.csv"));

        assertThat(metadata.resourceId().toString()).isEqualTo(IRIS);
        assertThat(metadata.sizeBytes()).isEqualTo(expected.length);
        try (InputStream in = Channels.newInputStream(FileSystems.open(metadata.resourceId()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        }
    }

    @Test
    void aMissingResourceOrAGlobIsAClearError() throws Exception {
        FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());

        MatchResult missing = FileSystems.match("resource:/fermion/test/nothing.csv");
        assertThat(missing.status()).isEqualTo(MatchResult.Status.NOT_FOUND);
        assertThatThrownBy(missing::metadata)
                .hasMessageContaining("No resource fermion/test/nothing.csv on the classpath")
                .hasMessageContaining("src/main/resources");
        MatchResult glob = FileSystems.match("resource:/fermion/test/*.csv");
        assertThat(glob.status()).isEqualTo(MatchResult.Status.ERROR);
        assertThatThrownBy(glob::metadata).hasMessageContaining("globs are not supported");
        assertThatThrownBy(() -> FileSystems.create(FileSystems.matchNewResource(IRIS, false), "text/plain"))
                .hasMessageContaining("resource: resources are read-only");
    }
}
