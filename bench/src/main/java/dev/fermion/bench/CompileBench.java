package dev.fermion.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fermion.compiler.ArgoCompiler;
import dev.fermion.compiler.CompiledWorkflow;
import dev.fermion.compiler.CompilerOptions;
import dev.fermion.compiler.WorkflowKind;
import dev.fermion.compiler.WorkflowTooLargeException;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.Step;
import dev.fermion.plan.Plan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Times defining and compiling synthetic pipelines (see {@link Shape}) to an Argo Workflow, measures the
 * YAML, and finds the longest chain that fits Argo's 1 MiB object limit. bench/peers.py does the same for
 * Hera and KFP; bench/report.py puts the results side by side.
 *
 * <pre>java -cp ... dev.fermion.bench.CompileBench --out results/fermion.json [--sizes 100,1000,10000]</pre>
 */
public final class CompileBench {
    static final int ARGO_LIMIT_BYTES = 1024 * 1024;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArgoCompiler compiler = new ArgoCompiler(CompilerOptions.defaults());
    private final double caseBudgetSeconds;

    private CompileBench(double caseBudgetSeconds) {
        this.caseBudgetSeconds = caseBudgetSeconds;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        Path out = Path.of(require(options, "out"));
        int[] sizes = Arrays.stream(options.getOrDefault("sizes", "100,1000,10000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        List<Shape> shapes = Arrays.stream(options.getOrDefault("shapes", "chain,wide,lattice").split(","))
                .map(s -> Shape.valueOf(s.toUpperCase(Locale.ROOT))).toList();
        CompileBench bench = new CompileBench(Double.parseDouble(options.getOrDefault("case-budget-s", "20")));
        if (options.containsKey("samples")) {
            bench.writeSamples(Path.of(options.get("samples")), shapes, Arrays.stream(sizes).min().orElseThrow());
        }

        bench.warmUpJit(shapes);
        List<Map<String, Object>> cases = new ArrayList<>();
        for (int n : sizes) {
            for (Shape shape : shapes) {
                Map<String, Object> result = bench.measure(shape, n);
                System.err.printf(Locale.ROOT, "fermion %-8s %6d steps: define+compile %10.1f ms, compile %10.1f ms, %s bytes (%s reps)%n",
                        shape.label(), n, result.get("defineCompileMedianMs"), result.get("compileMedianMs"),
                        result.get("bytes"), result.get("reps"));
                cases.add(result);
            }
        }
        Map<String, Object> limit = bench.maxChainUnderLimit(cases);
        System.err.println("fermion largest chain under 1 MiB: " + limit.get("steps") + " steps");

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("tool", "fermion");
        report.put("version", versionOf(ArgoCompiler.class));
        report.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.put("jvmArgs", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        report.put("cases", cases);
        report.put("maxChainUnder1MiB", limit);
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), report);
    }

    static Pipeline define(Shape shape, int n) {
        int[][] parents = shape.parents(n);
        return Pipeline.named("bench-" + shape.label() + "-" + n).define(p -> {
            List<Step<Noop>> steps = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Step<Noop> step = p.step("s" + i, new Noop());
                int[] deps = parents[i];
                if (deps.length == 0) {
                    step.with(Noop.X, 0);
                } else {
                    step.with(Noop.X, steps.get(deps[0]).out(Noop.Y));
                    for (int d = 1; d < deps.length; d++) {
                        step.after(steps.get(deps[d]));
                    }
                }
                steps.add(step);
            }
        });
    }

    CompiledWorkflow compile(Plan plan) {
        return compiler.compile(plan, WorkflowKind.WORKFLOW, Map.of());
    }

    /** The YAML of each shape at one size, for checking with Argo's validator what the timings are of. */
    private void writeSamples(Path folder, List<Shape> shapes, int n) throws IOException {
        Files.createDirectories(folder);
        for (Shape shape : shapes) {
            Files.writeString(folder.resolve("fermion-" + shape.label() + "-" + n + ".yaml"),
                    compile(define(shape, n).plan()).yaml());
        }
    }

    /** What one compile produced: the workflow, or the size at which the compiler refused it. */
    private record Outcome(CompiledWorkflow workflow, int refusedSizeBytes) {
        boolean refused() {
            return workflow == null;
        }

        Integer yamlBytes() {
            return refused() ? null : workflow.yaml().getBytes(StandardCharsets.UTF_8).length;
        }

        /** Size of the object Argo stores and limits: the document as compact JSON, as argo-validate counts it. */
        Integer argoBytes() {
            if (refused()) {
                return null;
            }
            try {
                return JSON.writeValueAsBytes(YAML.readTree(workflow.yaml())).length;
            } catch (IOException e) {
                throw new UncheckedIOException("the compiler wrote YAML that does not parse", e);
            }
        }
    }

    private Outcome defineAndCompile(Shape shape, int n) {
        return compileOutcome(define(shape, n).plan());
    }

    private Outcome compileOutcome(Plan plan) {
        try {
            return new Outcome(compile(plan), 0);
        } catch (WorkflowTooLargeException e) {
            return new Outcome(null, e.sizeBytes());
        }
    }

    /**
     * Compiled code, not the interpreter, is what a long-lived process (the CLI's daemon, a build server)
     * runs, so every shape is compiled until the JIT has settled before anything is timed.
     */
    private void warmUpJit(List<Shape> shapes) {
        long until = System.nanoTime() + 5_000_000_000L;
        int rounds = 0;
        while (System.nanoTime() < until || rounds < 3) {
            for (Shape shape : shapes) {
                defineAndCompile(shape, 1000);
            }
            rounds++;
        }
    }

    private Map<String, Object> measure(Shape shape, int n) {
        int warmups = n <= 100 ? 20 : 5;
        int reps = n <= 100 ? 31 : n <= 1000 ? 15 : 7;
        for (int i = 0; i < warmups; i++) {
            defineAndCompile(shape, n);
        }
        List<Double> full = new ArrayList<>();
        List<Double> alone = new ArrayList<>();
        Outcome last = null;
        double spent = 0;
        Plan plan = define(shape, n).plan();
        for (int i = 0; i < reps && (i < 3 || spent < caseBudgetSeconds); i++) {
            System.gc();
            long start = System.nanoTime();
            last = defineAndCompile(shape, n);
            long mid = System.nanoTime();
            System.gc();
            long compileStart = System.nanoTime();
            compileOutcome(plan);
            long end = System.nanoTime();
            full.add((mid - start) / 1e6);
            alone.add((end - compileStart) / 1e6);
            spent += (end - compileStart + mid - start) / 1e9;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("shape", shape.label());
        result.put("steps", n);
        result.put("bytes", last.yamlBytes());
        result.put("argoBytes", last.argoBytes());
        result.put("refusedOver1MiB", last.refused());
        if (last.refused()) {
            result.put("refusedSizeBytes", last.refusedSizeBytes());
        }
        result.put("warmups", warmups);
        result.put("reps", full.size());
        result.put("defineCompileMedianMs", median(full));
        result.put("compileMedianMs", median(alone));
        result.put("defineCompileMs", full);
        result.put("compileMs", alone);
        return result;
    }

    /**
     * The longest chain the compiler emits within 1 MiB. YAML grows with every step, so a bracket around
     * the size predicted from the measured chains, then bisection, finds it in a few compiles.
     */
    private Map<String, Object> maxChainUnderLimit(List<Map<String, Object>> cases) {
        IntPredicate fits = n -> {
            Integer bytes = defineAndCompile(Shape.CHAIN, n).argoBytes();
            return bytes != null && bytes <= ARGO_LIMIT_BYTES;
        };
        int steps = Bisect.largest(fits, predictChainLimit(cases));
        Outcome atMax = defineAndCompile(Shape.CHAIN, steps);
        Outcome after = defineAndCompile(Shape.CHAIN, steps + 1);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("steps", steps);
        result.put("bytesAtMax", atMax.yamlBytes());
        result.put("argoBytesAtMax", atMax.argoBytes());
        result.put("bytesAtMaxPlusOne", after.yamlBytes());
        result.put("argoBytesAtMaxPlusOne", after.argoBytes());
        result.put("refusedAtMaxPlusOne", after.refused());
        if (after.refused()) {
            result.put("refusedSizeBytesAtMaxPlusOne", after.refusedSizeBytes());
        }
        return result;
    }

    /** Where 1 MiB falls on the line through the two largest measured chains; 1000 when there are fewer. */
    private static int predictChainLimit(List<Map<String, Object>> cases) {
        List<int[]> points = new ArrayList<>();
        for (Map<String, Object> c : cases) {
            if ("chain".equals(c.get("shape")) && c.get("argoBytes") != null) {
                points.add(new int[] {(Integer) c.get("steps"), (Integer) c.get("argoBytes")});
            }
        }
        points.sort((a, b) -> Integer.compare(a[0], b[0]));
        if (points.size() < 2) {
            return 1000;
        }
        int[] a = points.get(points.size() - 2);
        int[] b = points.get(points.size() - 1);
        double perStep = (double) (b[1] - a[1]) / (b[0] - a[0]);
        double fixed = a[1] - perStep * a[0];
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE / 4, (ARGO_LIMIT_BYTES - fixed) / perStep));
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static String versionOf(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        return version == null ? "working tree" : version;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("usage: --out FILE [--sizes 100,1000] [--shapes chain,wide,lattice] [--case-budget-s 20] [--samples DIR]");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }
}
