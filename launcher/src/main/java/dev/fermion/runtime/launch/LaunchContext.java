package dev.fermion.runtime.launch;

import dev.fermion.contract.LaunchSpec;
import dev.fermion.contract.ValueCodec;
import dev.fermion.dsl.Definition;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.SourceDataset;
import dev.fermion.dsl.StepContext;
import dev.fermion.types.Artifact;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The {@link StepContext} of one launched attempt: decoded inputs, collected outputs, metrics and logs. */
public final class LaunchContext implements StepContext {
    /** The file, beside the metrics file, holding one JSON line per data set the step reported reading. */
    public static final String SOURCES = "sources.jsonl";

    private final LaunchSpec spec;
    private final Definition.Ports ports;
    private final DecodedInputs inputs;
    private final Map<String, Object> outputs = new LinkedHashMap<>();
    private final PrintStream log;
    private final MetricListener metrics;
    private Path workDir;

    LaunchContext(
            LaunchSpec spec, Definition.Ports ports, DecodedInputs inputs, PrintStream log, MetricListener metrics) {
        this.spec = spec;
        this.ports = ports;
        this.inputs = inputs;
        this.log = log;
        this.metrics = metrics;
    }

    @Override
    public <T> T get(Input<T> input) {
        return inputs.get(input);
    }

    @Override
    public <T> Optional<T> find(Input<T> input) {
        return inputs.find(input);
    }

    @Override
    public <T> void put(Output<T> output, T value) {
        Output<?> declared = declaredOutput(output);
        if (declared.type().isArtifact()) {
            throw new IllegalArgumentException("output '" + output.name() + "' is an artifact: write files into "
                    + "ctx.output(" + constant(output.name()) + ").path() instead of calling put");
        }
        if (value == null) {
            throw new IllegalArgumentException("output '" + output.name() + "' of step '" + spec.step()
                    + "' cannot be null: put a " + declared.type().displayName());
        }
        if (!declared.type().rawType().isInstance(value)) {
            throw new IllegalArgumentException(
                    "output '" + output.name() + "' expects " + declared.type().displayName() + " but got "
                            + value.getClass().getSimpleName());
        }
        outputs.put(output.name(), value);
    }

    @Override
    public <A extends Artifact> A output(Output<A> output) {
        Output<?> declared = declaredOutput(output);
        String dir = spec.outputArtifacts().get(declared.name());
        if (dir == null) {
            throw new IllegalStateException("output '" + output.name() + "' of step '" + spec.step()
                    + "' has no directory: the launcher was started without --output-artifact " + output.name()
                    + "=DIR");
        }
        return output.type().rawType().cast(Artifacts.of(output.type(), Path.of(dir)));
    }

    @Override
    public void metric(String key, double value, long step) {
        long timestamp = System.currentTimeMillis();
        if (spec.metricsFile() == null) {
            log.printf("metric %s=%s (step %d)%n", key, value, step);
        } else {
            append(key, value, step, timestamp);
        }
        metrics.metric(key, value, step, timestamp);
    }

    private void append(String key, double value, long step, long timestamp) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("key", key);
        line.put("value", value);
        line.put("step", step);
        line.put("timestamp", timestamp);
        try {
            Path file = Path.of(spec.metricsFile());
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(
                    file,
                    ValueCodec.json(line) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append metric " + key + " to " + spec.metricsFile(), e);
        }
    }

    @Override
    public void source(SourceDataset dataset) {
        if (spec.metricsFile() != null) {
            Path file = sourcesFile(Path.of(spec.metricsFile()));
            try {
                Files.writeString(
                        file,
                        ValueCodec.json(dataset) + "\n",
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record source " + dataset.name() + " in " + file, e);
            }
        }
        log.printf(
                "read %s (%s, %s rows)%n", dataset.name(), dataset.source(), dataset.rows() < 0 ? "?" : dataset.rows());
        metrics.source(dataset);
    }

    /** Where a step's reported sources are kept: beside its metrics file. */
    public static Path sourcesFile(Path metricsFile) {
        Path dir = metricsFile.toAbsolutePath().getParent();
        return dir.resolve(SOURCES);
    }

    @Override
    @SuppressWarnings(
            "AnnotateFormatMethod") // StepContext.log defines the format contract; the DSL carries no Error Prone
    // annotations
    public void log(String format, Object... args) {
        log.println(args.length == 0 ? format : String.format(format, args));
        log.flush();
    }

    @Override
    public synchronized Path workDir() {
        if (workDir == null) {
            try {
                workDir = Files.createTempDirectory("fermion-" + spec.step() + "-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a scratch directory for step " + spec.step(), e);
            }
        }
        return workDir;
    }

    @Override
    public String pipelineName() {
        return spec.pipeline();
    }

    @Override
    public String stepName() {
        return spec.step();
    }

    @Override
    public String runId() {
        return spec.runId();
    }

    @Override
    public int attempt() {
        return spec.attempt() + 1;
    }

    Map<String, Object> outputs() {
        return outputs;
    }

    /** Removes the scratch directory; it lives only as long as the attempt. */
    void close() {
        if (workDir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(workDir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.println("warning: could not remove scratch directory " + workDir + ": " + e.getMessage());
        }
    }

    private Output<?> declaredOutput(Output<?> output) {
        return ports.output(output.name())
                .orElseThrow(() -> new IllegalArgumentException(output
                        + " is not an output of " + spec.component() + "; its outputs are "
                        + ports.outputs().stream().map(Output::name).toList()));
    }

    static String constant(String port) {
        return port.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }
}
