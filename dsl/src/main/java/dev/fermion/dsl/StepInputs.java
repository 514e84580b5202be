package dev.fermion.dsl;

import java.util.Optional;

/** The values bound to a step's inputs, decoded to their declared types. */
public interface StepInputs {

    /** The value bound to {@code input}, or its default. Fails with a clear message if it has neither. */
    <T> T get(Input<T> input);

    /** The value bound to {@code input}, or its default, or empty for an unbound optional input. */
    <T> Optional<T> find(Input<T> input);
}
