package dev.fermion.deploy;

import dev.fermion.dsl.Artifact;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/** A step context for the components' tests: bound inputs, kept outputs and log lines. */
final class TestContext implements StepContext {
    private final Path workDir;
    private final String runId;
    private final Map<String, Object> inputs = new HashMap<>();
    private final Map<String, Object> outputs = new LinkedHashMap<>();
    private final List<String> logs = new ArrayList<>();

    TestContext(Path workDir, String runId) {
        this.workDir = workDir;
        this.runId = runId;
    }

    <T> TestContext with(Input<T> input, T value) {
        inputs.put(input.name(), value);
        return this;
    }

    TestContext run(Component component) throws Exception {
        component.execute(this);
        for (Output<?> output : component.ports().outputs()) {
            if (!outputs.containsKey(output.name())) {
                throw new AssertionError(component.getClass().getSimpleName() + " did not set " + output.name());
            }
        }
        return this;
    }

    @SuppressWarnings("unchecked")
    <T> T value(Output<T> output) {
        return (T) outputs.get(output.name());
    }

    List<String> logs() {
        return logs;
    }

    @Override
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

    @Override
    public <A extends Artifact> A output(Output<A> output) {
        throw new UnsupportedOperationException("the deploy components write no artifacts");
    }

    @Override
    public void metric(String key, double value, long step) {
    }

    @Override
    public void log(String format, Object... args) {
        logs.add(String.format(format, args));
    }

    @Override
    public Path workDir() {
        return workDir;
    }

    @Override
    public String pipelineName() {
        return "test";
    }

    @Override
    public String stepName() {
        return "deploy";
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
