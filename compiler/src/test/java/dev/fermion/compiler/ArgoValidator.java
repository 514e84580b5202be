package dev.fermion.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the shared offline Argo validator ({@code shared/tools/argo-validate}) over files, once per batch
 * because it starts a JVM. A missing validator fails the test: the YAML is only trusted once Argo's schema
 * and structural rules accept it.
 */
public final class ArgoValidator {
    private static final Path RELATIVE = Path.of("shared", "tools", "argo-validate", "argo-validate");

    private ArgoValidator() {}

    public static Path executable() {
        Path module = Path.of("").toAbsolutePath();
        for (Path candidate : List.of(
                module.resolve("../..").resolve(RELATIVE), module.resolve("..").resolve(RELATIVE))) {
            if (Files.isExecutable(candidate.normalize())) {
                return candidate.normalize();
            }
        }
        return fail("argo-validate not found at ../../" + RELATIVE + " or ../" + RELATIVE + " from " + module
                + "; the compiler tests need the shared Argo validator");
    }

    /** Validates every file (or directory) with warnings as errors and fails with the validator's report. */
    public static void assertValid(List<Path> files) {
        assertThat(files).isNotEmpty();
        List<String> command = new ArrayList<>(List.of(executable().toString(), "--warnings-as-errors"));
        files.forEach(f -> command.add(f.toAbsolutePath().toString()));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            assertThat(exit)
                    .as("argo-validate exit status; report:%n%s", output)
                    .isZero();
        } catch (IOException e) {
            fail("cannot run argo-validate: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while running argo-validate", e);
        }
    }
}
