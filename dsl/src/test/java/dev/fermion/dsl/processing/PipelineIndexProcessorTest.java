package dev.fermion.dsl.processing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.dsl.FermionPipeline;
import dev.fermion.dsl.Pipeline;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor lists what @FermionPipeline marks, and makes an unreachable element a compile error. */
class PipelineIndexProcessorTest {
    @TempDir
    Path out;

    private List<String> compile(String source) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        JavaFileObject file =
                new SimpleJavaFileObject(URI.create("string:///app/Pipelines.java"), JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return source;
                    }
                };
        String classPath = String.join(
                File.pathSeparator,
                Path.of(Pipeline.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI())
                        .toString(),
                System.getProperty("java.class.path"));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            javac.getTask(
                            null,
                            files,
                            diagnostics,
                            List.of(
                                    "--release",
                                    "17",
                                    "-classpath",
                                    classPath,
                                    "-d",
                                    out.toString(),
                                    "-processor",
                                    PipelineIndexProcessor.class.getName()),
                            null,
                            List.of(file))
                    .call();
        }
        List<String> errors = new ArrayList<>();
        diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .forEach(d -> errors.add(d.getMessage(Locale.ROOT)));
        return errors;
    }

    @Test
    void annotatedMethodsFieldsAndSourcesAreListed() throws Exception {
        List<String> errors = compile("""
                package app;
                import dev.fermion.dsl.*;
                public final class Pipelines {
                    @FermionPipeline public static Pipeline iris() { return null; }
                    @FermionPipeline public static final Pipeline SWEEP = null;
                    @FermionPipeline public static final class Nightly implements PipelineSource {
                        public Pipeline pipeline() { return null; }
                    }
                }
                """);
        assertThat(errors).isEmpty();
        assertThat(Files.readAllLines(out.resolve(FermionPipeline.INDEX)))
                .containsExactly("app.Pipelines#SWEEP", "app.Pipelines#iris", "app.Pipelines$Nightly");
    }

    @Test
    void whatTheCommandLineCannotReachDoesNotCompile() throws Exception {
        List<String> errors = compile("""
                package app;
                import dev.fermion.dsl.*;
                public final class Pipelines {
                    @FermionPipeline static Pipeline hidden() { return null; }
                    @FermionPipeline public static Pipeline withArgument(int n) { return null; }
                    @FermionPipeline public static String notAPipeline() { return null; }
                    @FermionPipeline public static final class NoSource { }
                }
                """);
        assertThat(errors).hasSize(4).allSatisfy(e -> assertThat(e).contains("@FermionPipeline"));
        assertThat(out.resolve(FermionPipeline.INDEX)).doesNotExist();
    }
}
