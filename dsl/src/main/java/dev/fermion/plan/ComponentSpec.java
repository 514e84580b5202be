package dev.fermion.plan;

import java.util.List;
import java.util.Optional;

/** The Java class a step runs, with its declared ports. */
public record ComponentSpec(String className, String version, List<PortSpec> inputs, List<PortSpec> outputs) {
    public ComponentSpec {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
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
