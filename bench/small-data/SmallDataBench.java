import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fermion.components.data.PrepareCsv;
import dev.fermion.components.evaluate.EvaluateClassifier;
import dev.fermion.components.train.TrainMlp;
import dev.fermion.types.Artifact;
import dev.fermion.dsl.Component;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.dsl.Input;
import dev.fermion.types.Model;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.SourceDataset;
import dev.fermion.dsl.StepContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The small-data training benchmark's Fermion side, in one JVM as the local runner runs a pipeline's steps.
 * Loads the PyTorch engine (timed on its own: once per process), prepares every data set with PrepareCsv for
 * every split seed (stratified, as the iris pipeline does; kept in OUT_DIR/NAME-SEED/prepare, where the
 * scikit-learn side reads the very same rows, and reused when already there), then for each data set and
 * seed times TrainMlp, the whole step with its defaults (reading the splits, training, writing the bundle),
 * and scores the model on the test split with EvaluateClassifier. Each data set's first training, the first
 * of which also loads and compiles TrainMlp's code, is timed on its own line and then repeated. TrainMlp's time is split by its two log
 * lines into reading the splits, building and training the network, and writing the model bundle. Prints one line
 * of JSON per training; {@code -Dtrain.NAME=VALUE} sets a TrainMlp input.
 *
 *   java -cp CLASSPATH SmallDataBench.java DATA_DIR OUT_DIR SEED,SEED,... NAME...
 */
public final class SmallDataBench {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path out = Path.of(args[1]);
        List<Integer> seeds = java.util.Arrays.stream(args[2].split(",")).map(Integer::valueOf).toList();
        List<String> names = List.of(args).subList(3, args.length);
        long engineStart = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.zeros(new ai.djl.ndarray.types.Shape(1));
        }
        double engineSeconds = (System.nanoTime() - engineStart) / 1e9;
        System.out.printf(Locale.ROOT, "{\"tool\": \"fermion-engine\", \"seconds\": %.3f, \"engine\": \"%s %s\", "
                        + "\"load\": %.2f}%n", engineSeconds, Engine.getInstance().getEngineName(),
                Engine.getInstance().getVersion(), load());
        for (String name : names) {
            for (int seed : seeds) {
                prepare(data.resolve(name + ".csv"), out.resolve(name + "-" + seed), seed);
            }
        }
        // The first TrainMlp of a process also loads and compiles its code, and the JIT needs some hundred
        // epochs to finish compiling it: each data set is trained once, timed on its own line, before the
        // trainings measured for the comparison.
        for (String name : names) {
            long start = System.nanoTime();
            train(name, seeds.get(0), out.resolve(name + "-" + seeds.get(0)), false);
            System.out.printf(Locale.ROOT, "{\"tool\": \"fermion-first\", \"data\": \"%s\", \"seed\": %d, "
                    + "\"seconds\": %.3f, \"load\": %.2f}%n", name, seeds.get(0), (System.nanoTime() - start) / 1e9, load());
        }
        for (String name : names) {
            for (int seed : seeds) {
                train(name, seed, out.resolve(name + "-" + seed), true);
            }
        }
    }

    private static void prepare(Path source, Path root, int seed) throws Exception {
        if (Files.exists(root.resolve("prepare/test/data.csv"))) {
            return;
        }
        Context prepare = new Context(root, "prepare");
        prepare.inputs.put(PrepareCsv.SOURCE.name(), source.toString());
        prepare.inputs.put(PrepareCsv.LABEL.name(), "target");
        prepare.inputs.put(PrepareCsv.STRATIFY.name(), true);
        prepare.inputs.put(PrepareCsv.SEED.name(), seed);
        new PrepareCsv().execute(prepare);
    }

    private static void train(String name, int seed, Path root, boolean report) throws Exception {
        deleteRecursively(root.resolve("train"));
        deleteRecursively(root.resolve("evaluate"));
        Context train = new Context(root, "train");
        train.inputs.put(TrainMlp.TRAIN.name(), new Dataset(root.resolve("prepare/train")));
        train.inputs.put(TrainMlp.VALIDATION.name(), new Dataset(root.resolve("prepare/validation")));
        train.inputs.put(TrainMlp.PREPROCESSING.name(), new Directory(root.resolve("prepare/preprocessing")));
        settings(train.inputs);
        long start = System.nanoTime();
        new TrainMlp().execute(train);
        long end = System.nanoTime();
        long trainingFrom = train.logTimes.get(0);
        long trainingTo = train.logTimes.get(train.logTimes.size() - 1);

        Context evaluate = new Context(root, "evaluate");
        evaluate.inputs.put(EvaluateClassifier.MODEL.name(), new Model(root.resolve("train/model")));
        evaluate.inputs.put(EvaluateClassifier.DATA.name(), new Dataset(root.resolve("prepare/test")));
        new EvaluateClassifier().execute(evaluate);
        long testRows;
        try (var lines = Files.lines(root.resolve("prepare/test/data.csv"))) {
            testRows = lines.count() - 1;
        }
        double accuracy = (Double) evaluate.outputs.get("accuracy");
        if (!report) {
            return;
        }
        System.out.printf(Locale.ROOT, "{\"tool\": \"fermion\", \"data\": \"%s\", \"seed\": %d, \"seconds\": %.4f, "
                        + "\"read_seconds\": %.4f, \"train_seconds\": %.4f, \"write_seconds\": %.4f, \"epochs\": %d, "
                        + "\"best_epoch\": %d, \"test_rows\": %d, \"test_correct\": %d, \"test_accuracy\": %.4f, "
                        + "\"load\": %.2f}%n",
                name, seed, (end - start) / 1e9, (trainingFrom - start) / 1e9, (trainingTo - trainingFrom) / 1e9,
                (end - trainingTo) / 1e9, (Integer) train.outputs.get("epochs-run"),
                (Integer) train.outputs.get("best-epoch"), testRows, Math.round(accuracy * testRows), accuracy, load());
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** TrainMlp inputs given as system properties {@code train.NAME=VALUE} (numbers, or lists like 64,32). */
    private static void settings(Map<String, Object> inputs) {
        for (String key : System.getProperties().stringPropertyNames()) {
            if (!key.startsWith("train.")) {
                continue;
            }
            String value = System.getProperty(key);
            String name = key.substring("train.".length());
            Object parsed = name.equals("hidden") ? java.util.Arrays.stream(value.split(",")).filter(v -> !v.isEmpty())
                    .map(Integer::valueOf).toList()
                    : value.matches("-?[0-9]+") ? (Object) Integer.valueOf(value)
                    : value.matches("[-0-9.eE]+") ? (Object) Double.valueOf(value) : value;
            inputs.put(name, parsed);
        }
    }

    /** The smallest step context that runs a component outside a pipeline run; it notes when the step logs. */
    private static final class Context implements StepContext {
        final Map<String, Object> inputs = new HashMap<>();
        final Map<String, Object> outputs = new HashMap<>();
        final List<Long> logTimes = new ArrayList<>();
        private final Path root;
        private final String step;

        Context(Path root, String step) {
            this.root = root;
            this.step = step;
        }

        @Override
        public <T> T get(Input<T> input) {
            return find(input).orElseThrow();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> Optional<T> find(Input<T> input) {
            return inputs.containsKey(input.name()) ? Optional.of((T) inputs.get(input.name())) : input.defaultValue();
        }

        @Override
        public <T> void put(Output<T> output, T value) {
            outputs.put(output.name(), value);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <A extends Artifact> A output(Output<A> output) {
            Path dir = root.resolve(step).resolve(output.name());
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Class<?> type = output.type().rawType();
            return (A) (type == Dataset.class ? new Dataset(dir) : type == Model.class ? new Model(dir) : new Directory(dir));
        }

        @Override
        public void metric(String key, double value, long step) {
        }

        @Override
        public void source(SourceDataset dataset) {
        }

        @Override
        public void log(String format, Object... args) {
            logTimes.add(System.nanoTime());
            System.err.println("[" + root.getFileName() + " " + step + "] " + String.format(format, args));
        }

        @Override
        public Path workDir() {
            return root.resolve(step).resolve("work");
        }

        @Override
        public String pipelineName() {
            return "small-data";
        }

        @Override
        public String stepName() {
            return step;
        }

        @Override
        public String runId() {
            return "bench";
        }

        @Override
        public int attempt() {
            return 1;
        }
    }
}
