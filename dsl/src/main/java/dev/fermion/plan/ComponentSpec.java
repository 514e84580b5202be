package dev.fermion.plan;

import java.util.List;
import java.util.Optional;

/**
 * The Java class a step runs, with its declared ports. {@code readsSources}: the component digests data it
 * reads from outside the pipeline ({@code Component#sourceDigest}), which then belongs in its cache key.
 * {@code requiresGpu}: the step cannot run without a GPU ({@code Definition#requiresGpu}).
 */
public record ComponentSpec(
        String className,
        String version,
        List<PortSpec> inputs,
        List<PortSpec> outputs,
        boolean readsSources,
        boolean requiresGpu) {
    public ComponentSpec {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public ComponentSpec(
            String className, String version, List<PortSpec> inputs, List<PortSpec> outputs, boolean readsSources) {
        this(className, version, inputs, outputs, readsSources, false);
    }

    public ComponentSpec(String className, String version, List<PortSpec> inputs, List<PortSpec> outputs) {
        this(className, version, inputs, outputs, false, false);
    }

    public Optional<PortSpec> input(String name) {
        return inputs.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Optional<PortSpec> output(String name) {
        return outputs.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The class name without its package, for display. */
    public String simpleName() {
        return className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
    }
}
