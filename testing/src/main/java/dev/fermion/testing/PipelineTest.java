package dev.fermion.testing;

import dev.fermion.contract.ValueCodec;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.plan.Node;
import dev.fermion.plan.ParamSpec;
import dev.fermion.plan.Plan;
import dev.fermion.runtime.launch.StepBody;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.runtime.local.Isolation;
import dev.fermion.runtime.local.LocalRunner;
import dev.fermion.runtime.local.RunOptions;
import dev.fermion.runtime.local.Tracking;
import dev.fermion.types.Artifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Runs a pipeline in a test, on the local runner, with chosen steps replaced by doubles:
 *
 * <pre>{@code
 * PipelineResult result = PipelineTest.of(pipeline)
 *     .param("min-accuracy", 0.5)
 *     .stub("train", Train.LOSS, 0.1)
 *     .replace("evaluate", step -> step.put(Evaluate.ACCURACY, 0.8))
 *     .run();
 * assertThat(result.output("evaluate", Evaluate.ACCURACY)).isEqualTo(0.8);
 * result.assertRanBefore("prepare", "train");
 * result.assertSkipped("deploy");
 * }</pre>
 *
 * Everything else is the real thing: conditions, loops, retries and the other steps' components. Container,
 * script and Kubernetes-resource steps can be replaced too, so a test needs neither a container engine nor
 * a cluster for them. The cache is off, so every step runs; each run gets a fresh Fermion home unless
 * {@link #home} names one.
 */
public final class PipelineTest {
    private final Plan plan;
    private final Map<String, String> params = new LinkedHashMap<>();
    private final Map<String, StepDouble> replacements = new LinkedHashMap<>();
    private final Map<String, Map<Output<?>, Object>> stubs = new LinkedHashMap<>();
    private Path home;
    private int parallelism = Runtime.getRuntime().availableProcessors();
    private Tracking tracking;

    private PipelineTest(Plan plan) {
        this.plan = plan;
    }

    public static PipelineTest of(Pipeline pipeline) {
        return new PipelineTest(pipeline.plan());
    }

    /** Sets a pipeline parameter; the value must have the parameter's declared type. */
    public PipelineTest param(String name, Object value) {
        ParamSpec spec = plan.param(name)
                .orElseThrow(() -> new IllegalArgumentException(
                        "pipeline " + plan.name() + " has no parameter '" + name + "'; its parameters are "
                                + plan.params().stream().map(ParamSpec::name).toList()));
        if (!spec.type().rawType().isInstance(value)) {
            throw new IllegalArgumentException(
                    "parameter '" + name + "' is a " + spec.type().displayName() + ", not "
                            + (value == null ? "null" : value.getClass().getSimpleName() + " " + value));
        }
        params.put(name, ValueCodec.encode(spec.type(), value));
        return this;
    }

    /**
     * Runs {@code step} (every instance of it, in loops too) with {@code double} instead of its component, its
     * container or its Kubernetes object.
     */
    public PipelineTest replace(String step, StepDouble stepDouble) {
        requireStep(step);
        if (stubs.containsKey(step)) {
            throw new IllegalArgumentException(
                    "step '" + step + "' is already stubbed; use either stub(...) or replace(...)");
        }
        replacements.put(step, stepDouble);
        return this;
    }

    /**
     * Makes {@code step} produce {@code value} on {@code output} without running its component. Stub every
     * output the step declares; an artifact value's files are copied into the step's output directory.
     */
    public <T> PipelineTest stub(String step, Output<T> output, T value) {
        requireStep(step);
        if (replacements.containsKey(step)) {
            throw new IllegalArgumentException(
                    "step '" + step + "' is already replaced; use either stub(...) or replace(...)");
        }
        stubs.computeIfAbsent(step, s -> new LinkedHashMap<>()).put(output, value);
        return this;
    }

    /** Keeps the run under {@code dir} (a JUnit {@code @TempDir}, say) instead of a fresh temporary directory. */
    public PipelineTest home(Path dir) {
        this.home = dir;
        return this;
    }

    public PipelineTest parallelism(int steps) {
        this.parallelism = steps;
        return this;
    }

    /** Records the run in an experiment tracker too (and registers its model), as {@code fermion run --mlflow} does. */
    public PipelineTest tracking(Tracking value) {
        this.tracking = value;
        return this;
    }

    public PipelineResult run() {
        Map<String, StepBody> bodies = new LinkedHashMap<>();
        replacements.forEach((step, d) -> bodies.put(step, d::run));
        stubs.forEach((step, values) ->
                bodies.put(step, ctx -> values.forEach((output, value) -> put(ctx, output, value))));
        Path root = home != null ? home : temporaryHome();
        RunOptions options = RunOptions.defaults()
                .withHome(new FermionHome(root))
                .withIsolation(Isolation.IN_PROCESS)
                .withParallelism(parallelism)
                .withCache(false)
                .withClassLoader(classLoader(), "")
                .withReplacements(bodies)
                .withTracking(tracking);
        return new PipelineResult(new LocalRunner(options).run(plan, params));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void put(dev.fermion.dsl.StepContext ctx, Output<?> output, Object value) {
        if (value instanceof Artifact source) {
            Artifact target = ctx.output((Output) output);
            copy(source.path(), target.path());
        } else {
            ctx.put((Output) output, value);
        }
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the stubbed artifact " + from, e);
        }
    }

    private void requireStep(String step) {
        Set<String> names = plan.allNodes().stream()
                .filter(Node::isStep)
                .map(Node::name)
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        if (!names.contains(step)) {
            throw new IllegalArgumentException(
                    "pipeline " + plan.name() + " has no step '" + step + "'; its steps are " + names);
        }
    }

    private static Path temporaryHome() {
        try {
            return Files.createTempDirectory("fermion-test-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary Fermion home", e);
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : PipelineTest.class.getClassLoader();
    }
}
