package dev.fermion;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of this module form layers, each using only those below it: a pipeline's value types, then the
 * contract between runners and the step launcher, then the plan, then the DSL that builds it. The plan is the
 * seam both backends read, so it must not reach back into the builder; a cycle here is how that starts.
 */
class PackageLayersTest {

    /** Lowest first. A package may use its own layer and any listed before it. */
    private static final List<String> LAYERS = List.of(
            "dev.fermion.types",
            "dev.fermion.contract",
            "dev.fermion.plan",
            "dev.fermion.dsl",
            "dev.fermion.dsl.processing");

    /** Any mention of a Fermion class, imported or written out in full. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.fermion(?:\\.[a-z]\\w*)+)\\.[A-Z]");

    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() throws IOException {
        Path sources = Path.of("src/main/java");
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.walk(sources)) {
            for (Path file : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
                files++;
                String text = read(file);
                Matcher pkg = PACKAGE.matcher(text);
                assertThat(pkg.find()).as("package of %s", file).isTrue();
                int layer = LAYERS.indexOf(pkg.group(1));
                assertThat(layer)
                        .as("%s is in package %s, which has no layer here: add it to LAYERS", file, pkg.group(1))
                        .isNotNegative();
                Matcher reference = REFERENCE.matcher(text);
                while (reference.find()) {
                    String used = reference.group(1);
                    int usedLayer = LAYERS.indexOf(used);
                    if (usedLayer > layer) {
                        violations.add(sources.relativize(file) + " (" + LAYERS.get(layer) + ") uses " + used);
                    }
                }
            }
        }
        assertThat(files).as("sources found under %s", sources.toAbsolutePath()).isPositive();
        assertThat(violations)
                .as("references from a lower layer to a higher one")
                .isEmpty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
