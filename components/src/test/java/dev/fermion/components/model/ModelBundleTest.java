package dev.fermion.components.model;

import dev.fermion.components.TestBundles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ModelBundleTest {
    @TempDir
    Path tmp;

    /** Bundles written before the manifest lost its creation time (published ones, say) still load. */
    @Test
    void readsABundleWhoseManifestHasACreationTime() throws Exception {
        Path bundle = TestBundles.classifier(tmp.resolve("model"));
        Path manifest = bundle.resolve("bundle.json");
        String json = Files.readString(manifest);
        assertThat(json).doesNotContain("createdAt");
        Files.writeString(manifest, json.replaceFirst("\\{", "{\"createdAt\": \"2026-01-01T00:00:00Z\","));

        assertThat(ModelBundle.read(bundle).manifest().format()).isEqualTo(ModelBundle.FORMAT);
    }
}
