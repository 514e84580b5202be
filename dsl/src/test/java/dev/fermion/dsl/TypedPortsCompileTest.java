package dev.fermion.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The proof behind "a wrong binding does not compile": snippets are compiled in memory against the DSL and
 * the fixtures, and javac must reject each mistyped binding. A well-typed snippet must compile, so a broken
 * harness (no compiler, wrong class path) fails the suite instead of passing every negative case.
 */
class TypedPortsCompileTest {
    private static JavaCompiler compiler;
    private static String classPath;

    @TempDir
    static Path classOutput;

    @BeforeAll
    static void findCompiler() throws URISyntaxException {
        compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler)
                .as("a JDK compiler (tests must run on a JDK, not a JRE)")
                .isNotNull();
        // Surefire may hand the JVM a manifest-only jar, so name the DSL's and the fixtures' folders explicitly.
        classPath = String.join(
                File.pathSeparator,
                Path.of(Pipeline.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI())
                        .toString(),
                Path.of(Fixtures.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI())
                        .toString(),
                System.getProperty("java.class.path"));
    }

    private record Result(boolean success, List<String> errors) {}

    private static Result compile(String statements) {
        String source = """
                package snippet;

                import dev.fermion.dsl.*;
                import dev.fermion.types.*;
                import dev.fermion.dsl.Fixtures.*;
                import java.util.List;

                public class Snippet {
                    static Pipeline build() {
                        return Pipeline.named("snippet").define(p -> {
                            var source = p.step("source", new Source());
                            %s
                        });
                    }
                }
                """.formatted(statements);
        JavaFileObject file =
                new SimpleJavaFileObject(URI.create("string:///snippet/Snippet.java"), JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return source;
                    }
                };
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options =
                    List.of("--release", "17", "-classpath", classPath, "-d", classOutput.toString(), "-proc:none");
            boolean ok = compiler.getTask(null, files, diagnostics, options, null, List.of(file))
                    .call();
            List<String> errors = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    errors.add(d.getMessage(Locale.ROOT));
                }
            }
            return new Result(ok, errors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void wellTypedBindingsCompile() {
        Result result = compile("""
                Param<Integer> epochs = p.param("epochs", 10);
                Param<Double> minScore = p.param("min-score", 0.5);
                var train = p.step("train", new Train())
                        .with(Train.DATA, source.out(Source.DATA))
                        .with(Train.EPOCHS, epochs)
                        .with(Train.RATE, 0.01)
                        .with(Train.NOTE, source.out(Source.TEXT));
                p.step("echo", new Echo()).with(Echo.TEXT, "constant");
                p.step("tiny", new Train()).with(Train.DATA, InlineFile.of("tiny.csv", "x,1")).with(Train.EPOCHS, 1);
                p.step("pick", new Pick()).with(Pick.SCORES, source.out(Source.SCORES));
                p.step("resize", new ContainerFixtures.Resize()).with(ContainerFixtures.Resize.IMAGES, source.out(Source.DATA))
                        .with(ContainerFixtures.Resize.WIDTH, 64);
                p.when(train.out(Train.ACCURACY).atLeast(minScore), b -> b.step("deploy", new Noop()));
                p.forEach("each", List.of(1, 2), (b, item) -> b.step("again", new Train())
                        .with(Train.DATA, source.out(Source.DATA)).with(Train.EPOCHS, item));
                p.forEach("trials", List.of(new Trial(0.1, 2, "a", List.of(8))), (b, trial) -> b.step("trial", new Train())
                        .with(Train.DATA, source.out(Source.DATA)).with(Train.EPOCHS, trial.get(Trial::epochs))
                        .with(Train.RATE, trial.get(Trial::rate)).with(Train.NOTE, trial.get(Trial::name)));
                """);
        assertThat(result.errors()).isEmpty();
        assertThat(result.success()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Output<String> to Input<Integer>        | p.step("t", new Train()).with(Train.EPOCHS, source.out(Source.TEXT));
            String literal to Input<Integer>        | p.step("t", new Train()).with(Train.EPOCHS, "30");
            int literal to Input<Double>            | p.step("t", new Train()).with(Train.RATE, 1);
            Output<Integer> to Input<Double>        | p.step("t", new Train()).with(Train.RATE, source.out(Source.COUNT));
            Output<Double> to Input<String>         | p.step("e", new Echo()).with(Echo.TEXT, source.out(Source.SCORE));
            Param<String> to Input<Integer>         | p.step("t", new Train()).with(Train.EPOCHS, p.param("n", "ten"));
            Output<String> to Input<Dataset>        | p.step("t", new Train()).with(Train.DATA, source.out(Source.TEXT));
            path String to Input<Dataset>           | p.step("t", new Train()).with(Train.DATA, "data/iris.csv");
            inline file to Input<Integer>           | p.step("t", new Train()).with(Train.EPOCHS, InlineFile.of("n.txt", "3"));
            Output<List<Double>> to Input<Double>   | p.step("t", new Train()).with(Train.RATE, source.out(Source.SCORES));
            loop item String to Input<Integer>      | p.forEach("l", List.of("a"), (b, item) -> b.step("t", new Train()).with(Train.EPOCHS, item));
            item field Double to Input<Integer>     | p.forEach("l", List.of(new Trial(0.1, 2, "a", List.of())), (b, t) -> b.step("t", new Train()).with(Train.EPOCHS, t.get(Trial::rate)));
            accessor of another record              | p.forEach("l", List.of(new Trial(0.1, 2, "a", List.of())), (b, t) -> b.step("t", new Train()).with(Train.NOTE, t.get(Fixtures.Label::name)));
            Double output compared with a String    | p.when(source.out(Source.SCORE).atLeast("high"), b -> b.step("n", new Noop()));
            Integer output compared with a Double   | p.when(source.out(Source.COUNT).atLeast(0.5), b -> b.step("n", new Noop()));
            String literal to container Input<Integer> | p.step("r", new ContainerFixtures.Resize()).with(ContainerFixtures.Resize.WIDTH, "wide");
            Output<String> to container Input<Dataset> | p.step("r", new ContainerFixtures.Resize()).with(ContainerFixtures.Resize.IMAGES, source.out(Source.TEXT));
            String literal to a recursion's Input<Integer> | p.recurse("again", new ContainerFixtures.Rounds()).with(ContainerFixtures.Rounds.ROUND, "one");
            """)
    void mistypedBindingsDoNotCompile(String mistake, String statement) {
        Result result = compile(statement);
        assertThat(result.success()).as(mistake).isFalse();
        assertThat(result.errors())
                .as(mistake)
                .isNotEmpty()
                .allSatisfy(error -> assertThat(error)
                        .containsAnyOf(
                                "incompatible types",
                                "no suitable method",
                                "cannot be applied",
                                "cannot infer type",
                                "bad return type"));
    }
}
