package dev.fermion.runtime.launch;

import dev.fermion.contract.LaunchSpec;
import dev.fermion.dsl.Definition;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.StepInputs;
import java.util.Map;
import java.util.Optional;

/** A launched step's input values, decoded, with the declared defaults for inputs that were not bound. */
final class DecodedInputs implements StepInputs {
    private final LaunchSpec spec;
    private final Definition.Ports ports;
    private final Map<String, Object> values;

    DecodedInputs(LaunchSpec spec, Definition.Ports ports, Map<String, Object> values) {
        this.spec = spec;
        this.ports = ports;
        this.values = values;
    }

    @Override
    public <T> T get(Input<T> input) {
        return find(input)
                .orElseThrow(() -> new IllegalStateException("input '" + input.name() + "' of step '" + spec.step()
                        + "' has no value: it is optional and was not bound; read it with ctx.find(...)"));
    }

    @Override
    public <T> Optional<T> find(Input<T> input) {
        Input<?> declared = ports.input(input.name())
                .orElseThrow(() -> new IllegalArgumentException(input
                        + " is not an input of " + spec.component() + "; its inputs are "
                        + ports.inputs().stream().map(Input::name).toList()));
        Object value = values.get(declared.name());
        if (value == null) {
            value = declared.defaultValue().orElse(null);
        }
        return Optional.ofNullable(input.type().rawType().cast(value));
    }
}
