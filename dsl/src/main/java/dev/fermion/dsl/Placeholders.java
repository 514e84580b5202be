package dev.fermion.dsl;

import dev.fermion.plan.ContainerSpec;
import dev.fermion.types.Artifact;
import java.util.List;

/**
 * Typed references to the ports of a {@link ContainerComponent}, for its command, arguments and
 * environment. Each backend fills them in: the value of a parameter input, the directory an input
 * artifact is placed in, and where the command writes an output (a file holding a parameter's text, or
 * an empty directory to fill for an artifact).
 */
public final class Placeholders {
    private final Definition definition;

    Placeholders(Definition definition) {
        this.definition = definition;
    }

    /** The value of parameter input {@code input}, as text ({@code 42}, {@code 0.5}, {@code true}, JSON for lists). */
    public Arg value(Input<?> input) {
        requireDeclared(input);
        if (input.type().isArtifact()) {
            throw new IllegalArgumentException("input '" + input.name() + "' is an artifact ("
                    + input.type().displayName() + "): pass its directory with p.path(" + constant(input.name()) + ")");
        }
        return new Arg(List.of(new ContainerSpec.Part.InputValue(input.name())));
    }

    /** The directory holding input artifact {@code input}. */
    public <A extends Artifact> Arg path(Input<A> input) {
        requireDeclared(input);
        return new Arg(List.of(new ContainerSpec.Part.InputPath(input.name())));
    }

    /**
     * Where the command writes {@code output}: for a parameter, a file whose text (one trailing newline
     * removed) is the value; for an artifact, an existing empty directory to fill.
     */
    public Arg outputPath(Output<?> output) {
        if (!definition.ports().declares(output)) {
            throw new IllegalArgumentException(output + " is not an output of "
                    + definition.getClass().getSimpleName() + "; its outputs are "
                    + definition.ports().outputs().stream().map(Output::name).toList());
        }
        return new Arg(List.of(new ContainerSpec.Part.OutputPath(output.name())));
    }

    private void requireDeclared(Input<?> input) {
        if (!definition.ports().declares(input)) {
            throw new IllegalArgumentException(input + " is not an input of "
                    + definition.getClass().getSimpleName() + "; its inputs are "
                    + definition.ports().inputs().stream().map(Input::name).toList());
        }
    }

    static String constant(String port) {
        return port.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }
}
