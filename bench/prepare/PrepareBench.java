import dev.fermion.components.data.PrepareCsv;
import dev.fermion.components.preprocess.Moments;
import dev.fermion.components.table.Csv;
import dev.fermion.types.Artifact;
import dev.fermion.dsl.Component;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The preparation benchmark's Java side: {@code beam} runs PrepareCsv (DirectRunner) on the generated CSV,
 * {@code loop} does the same work in one thread without Beam — the floor. Both validate every row (field
 * count, numeric values), reject bad rows with a reason, split by a seeded hash of the line number, fit
 * mean imputation, standard scaling and one-hot encoding on the training split, and write each split's
 * data.csv and features.csv plus the rejects. Prints one line of JSON: {"tool", "seconds", "cpu_seconds" (of the
 * whole process over the same span: every thread, the JIT compilers and the garbage collector), "valid",
 * "rejected"}.
 *
 *   java -cp CLASSPATH PrepareBench.java beam|loop SOURCE.csv OUT_DIR
 */
public final class PrepareBench {
    public static void main(String[] args) throws Exception {
        String tool = args[0];
        Path source = Path.of(args[1]);
        Path out = Path.of(args[2]);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long start = System.nanoTime();
        long cpuStart = os.getProcessCpuTime();
        long[] counts = tool.equals("beam") ? beam(source, out) : loop(source, out);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "{\"tool\": \"%s\", \"seconds\": %.3f, \"cpu_seconds\": %.3f, "
                + "\"valid\": %d, \"rejected\": %d}%n", tool, seconds, cpu, counts[0], counts[1]);
    }

    private static long[] beam(Path source, Path out) throws Exception {
        Context ctx = new Context(out);
        ctx.inputs.put(PrepareCsv.SOURCE.name(), source.toString());
        ctx.inputs.put(PrepareCsv.LABEL.name(), "label");
        // -Dbeam.options="--a=1 --b=2" passes PrepareCsv's beam-options, to compare runner settings.
        String options = System.getProperty("beam.options", "").trim();
        if (!options.isEmpty()) {
            ctx.inputs.put(PrepareCsv.BEAM_OPTIONS.name(), List.of(options.split("\\s+")));
        }
        new PrepareCsv().execute(ctx);
        return new long[] {(Long) ctx.outputs.get("rows"), (Long) ctx.outputs.get("rejected-rows")};
    }

    private static final Set<String> MISSING = Set.of("", "NA", "N/A", "NaN", "null", "?");

    /**
     * One thread, no framework: read, validate, split, fit on train, transform, write. It writes what
     * PrepareCsv writes for the same source, byte for byte (run.sh compares them): missing values empty in
     * data.csv, a header on features.csv, and every rejected row with its file, line, first bad column and
     * all its reasons.
     */
    private static long[] loop(Path source, Path out) throws IOException {
        List<String> header;
        List<String[]> rows = new ArrayList<>();
        List<Integer> splits = new ArrayList<>();
        Files.createDirectories(out.resolve("rejects"));
        String file = source.toAbsolutePath().normalize().toString();
        long rejected = 0;
        try (BufferedReader reader = Files.newBufferedReader(source, StandardCharsets.UTF_8);
             BufferedWriter rejects = Files.newBufferedWriter(out.resolve("rejects/rejects.csv"))) {
            rejects.write("file,line,column,reason,row\n");
            header = Csv.parse(reader.readLine());
            int width = header.size();
            int label = width - 1;
            int categorical = width - 2;
            long line = 1;
            List<String> columns = new ArrayList<>();
            List<String> reasons = new ArrayList<>();
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                line++;
                List<String> fields = Csv.parse(text);
                columns.clear();
                reasons.clear();
                if (fields.size() != width) {
                    columns.add("");
                    reasons.add(fields.size() + " fields but the header has " + width);
                } else {
                    for (int i = 0; i < width; i++) {
                        String v = fields.get(i);
                        if (MISSING.contains(v)) {
                            if (i == label) {
                                columns.add(header.get(i));
                                reasons.add("required column '" + header.get(i) + "' is missing");
                            }
                        } else if (i < categorical) {
                            try {
                                if (!Double.isFinite(Double.parseDouble(v))) {
                                    columns.add(header.get(i));
                                    reasons.add("column '" + header.get(i) + "' value '" + v + "' is not finite");
                                }
                            } catch (NumberFormatException e) {
                                columns.add(header.get(i));
                                reasons.add("column '" + header.get(i) + "' value '" + v + "' is not a number");
                            }
                        }
                    }
                }
                if (!reasons.isEmpty()) {
                    rejected++;
                    rejects.write(Csv.format(List.of(file, Long.toString(line), columns.get(0),
                            String.join("; ", reasons), text)) + "\n");
                    continue;
                }
                String id = Long.toString(line);
                String[] row = new String[width + 1];
                row[0] = id;
                for (int i = 0; i < width; i++) {
                    String v = fields.get(i);
                    row[i + 1] = MISSING.contains(v) ? "" : v;
                }
                rows.add(row);
                splits.add(split(42, id));
            }
        }
        int width = header.size();
        int numeric = width - 2;
        // PrepareCsv's exact moments, so that both write the same means and scales to the last digit.
        Moments[] moments = new Moments[numeric];
        for (int i = 0; i < numeric; i++) {
            moments[i] = new Moments();
        }
        TreeSet<String> categories = new TreeSet<>();
        for (int r = 0; r < rows.size(); r++) {
            if (splits.get(r) != 0) {
                continue;
            }
            String[] row = rows.get(r);
            for (int i = 0; i < numeric; i++) {
                if (!row[i + 1].isEmpty()) {
                    moments[i].add(Double.parseDouble(row[i + 1]));
                }
            }
            if (!row[numeric + 1].isEmpty()) {
                categories.add(row[numeric + 1]);
            }
        }
        double[] mean = new double[numeric];
        double[] scale = new double[numeric];
        for (int i = 0; i < numeric; i++) {
            mean[i] = moments[i].mean();
            double std = moments[i].std();
            scale[i] = std > 0 ? std : 1;
        }
        List<String> categoryList = new ArrayList<>(categories);
        Map<String, Integer> categoryIndex = new HashMap<>();
        for (int i = 0; i < categoryList.size(); i++) {
            categoryIndex.put(categoryList.get(i), i);
        }
        List<String> dataHeader = new ArrayList<>();
        dataHeader.add("row_id");
        dataHeader.addAll(header);
        List<String> featureHeader = new ArrayList<>();
        featureHeader.add("row_id");
        featureHeader.addAll(header.subList(0, numeric));
        categoryList.forEach(category -> featureHeader.add(header.get(numeric) + "=" + category));
        featureHeader.add(header.get(width - 1));
        String[] names = {"train", "validation", "test"};
        BufferedWriter[] data = new BufferedWriter[3];
        BufferedWriter[] features = new BufferedWriter[3];
        for (int s = 0; s < 3; s++) {
            Path dir = Files.createDirectories(out.resolve(names[s]));
            data[s] = Files.newBufferedWriter(dir.resolve("data.csv"));
            data[s].write(Csv.format(dataHeader) + "\n");
            features[s] = Files.newBufferedWriter(dir.resolve("features.csv"));
            features[s].write(Csv.format(featureHeader) + "\n");
        }
        List<String> fields = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            int s = splits.get(r);
            data[s].write(Csv.format(List.of(row)) + "\n");
            fields.clear();
            fields.add(row[0]);
            for (int i = 0; i < numeric; i++) {
                double x = row[i + 1].isEmpty() ? mean[i] : Double.parseDouble(row[i + 1]);
                fields.add(Float.toString((float) ((x - mean[i]) / scale[i])));
            }
            Integer hot = categoryIndex.get(row[numeric + 1]);
            for (int c = 0; c < categoryList.size(); c++) {
                fields.add(hot != null && hot == c ? "1.0" : "0.0");
            }
            fields.add(row[width]);
            features[s].write(Csv.format(fields) + "\n");
        }
        for (int s = 0; s < 3; s++) {
            data[s].close();
            features[s].close();
        }
        return new long[] {rows.size(), rejected};
    }

    /** 70/15/15 by a seeded FNV-1a + SplitMix64 hash of the id, as PrepareCsv places rows. */
    private static int split(long seed, String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        long z = h ^ (seed * 0x9e3779b97f4a7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z ^= z >>> 31;
        double u = (z >>> 11) * 0x1.0p-53;
        return u < 0.7 ? 0 : u < 0.85 ? 1 : 2;
    }

    /** The smallest step context that runs a component outside a pipeline run. */
    private static final class Context implements StepContext {
        final Map<String, Object> inputs = new HashMap<>();
        final Map<String, Object> outputs = new HashMap<>();
        private final Path root;

        Context(Path root) {
            this.root = root;
        }

        @Override
        @SuppressWarnings("unchecked")
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
            Path dir = root.resolve(output.name());
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return (A) (output.type().rawType() == Dataset.class ? new Dataset(dir) : new Directory(dir));
        }

        @Override
        public void metric(String key, double value, long step) {
        }

        @Override
        public void source(dev.fermion.dsl.SourceDataset dataset) {
        }

        @Override
        public void log(String format, Object... args) {
            System.err.println(String.format(format, args));
        }

        @Override
        public Path workDir() {
            return root.resolve("work");
        }

        @Override
        public String pipelineName() {
            return "bench";
        }

        @Override
        public String stepName() {
            return "prepare";
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
