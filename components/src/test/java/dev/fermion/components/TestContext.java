package dev.fermion.components;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.SourceDataset;
import dev.fermion.dsl.StepContext;
import dev.fermion.types.Artifact;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A step context for unit tests: inputs bound by port, artifact outputs in fresh directories under a
 * root, and every parameter output, metric and log line kept for assertions. {@link #run} fails like a
 * launcher would when the component leaves a declared parameter output unset.
 */
public final class TestContext implements StepContext {
    /** One recorded metric value. */
    public record Metric(String key, double value, long step) {}

    private final Path root;
    private final Map<String, Object> inputs = new HashMap<>();
    private final Map<String, Object> outputs = new LinkedHashMap<>();
    private final Map<String, Artifact> artifacts = new HashMap<>();
    private final List<Metric> metrics = new ArrayList<>();
    private final List<SourceDataset> sources = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> logs = new ArrayList<>();
    private final String stepName;
    private String runId = "run-1";

    public TestContext(Path root, String stepName) {
        this.root = root;
        this.stepName = stepName;
    }

    /** The run the step belongs to, for components whose results are named after it (deployments). */
    public TestContext withRunId(String value) {
        this.runId = value;
        return this;
    }

    public <T> TestContext with(Input<T> input, T value) {
        inputs.put(input.name(), value);
        return this;
    }

    /** Runs the component and checks every declared parameter output was set. */
    public TestContext run(Component component) throws Exception {
        for (Input<?> input : component.ports().inputs()) {
            if (input.isRequired() && !inputs.containsKey(input.name())) {
                throw new IllegalStateException("Test binds no value to required input '" + input.name() + "'");
            }
        }
        component.execute(this);
        for (Output<?> output : component.ports().outputs()) {
            if (!output.type().isArtifact() && !outputs.containsKey(output.name())) {
                throw new AssertionError(
                        component.getClass().getSimpleName() + " did not set output '" + output.name() + "'");
            }
        }
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Input<T> input) {
        return find(input).orElseThrow(() -> new NoSuchElementException("Input '" + input.name() + "' is unbound"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(Input<T> input) {
        if (inputs.containsKey(input.name())) {
            return Optional.of((T) inputs.get(input.name()));
        }
        return input.defaultValue();
    }

    @Override
    public <T> void put(Output<T> output, T value) {
        outputs.put(output.name(), value);
    }

    @SuppressWarnings("unchecked")
    public <T> T value(Output<T> output) {
        if (!outputs.containsKey(output.name())) {
            throw new AssertionError("Output '" + output.name() + "' was not set");
        }
        return (T) outputs.get(output.name());
    }

    /** Every parameter output the step set, by name, in the order it set them. */
    public Map<String, Object> outputs() {
        return new LinkedHashMap<>(outputs);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends Artifact> A output(Output<A> output) {
        return (A) artifacts.computeIfAbsent(output.name(), name -> {
            Path dir = root.resolve(stepName).resolve(name);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Class<?> type = output.type().rawType();
            if (type == Dataset.class) {
                return new Dataset(dir);
            }
            if (type == Model.class) {
                return new Model(dir);
            }
            return new Directory(dir);
        });
    }

    @Override
    public void metric(String key, double value, long step) {
        metrics.add(new Metric(key, value, step));
    }

    public List<Metric> metrics() {
        return List.copyOf(metrics);
    }

    public List<Metric> metrics(String key) {
        return metrics.stream().filter(m -> m.key().equals(key)).toList();
    }

    @Override
    public void source(SourceDataset dataset) {
        sources.add(dataset);
    }

    /** The data sets the step reported reading, in order. */
    public List<SourceDataset> sources() {
        return List.copyOf(sources);
    }

    @Override
    @SuppressWarnings(
            "AnnotateFormatMethod") // StepContext.log defines the format contract; the DSL carries no Error Prone
    // annotations
    public void log(String format, Object... args) {
        String line = String.format(format, args);
        logs.add(line);
        System.out.println("[" + stepName + "] " + line);
    }

    public List<String> logs() {
        return List.copyOf(logs);
    }

    @Override
    public Path workDir() {
        Path dir = root.resolve(stepName).resolve(".work");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String pipelineName() {
        return "test";
    }

    @Override
    public String stepName() {
        return stepName;
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public int attempt() {
        return 1;
    }
}
