package dev.fermion.cli;

import dev.fermion.dsl.FermionPipeline;
import dev.fermion.dsl.Pipeline;

/** Pipelines registered by annotation alone, one of them broken: the other commands must not mind it. */
public final class RegisteredPipelines {
    private RegisteredPipelines() {}

    @FermionPipeline
    public static Pipeline annotated() {
        return Pipeline.named("annotated")
                .define(p -> p.step("square", new SamplePipelines.Square()).with(SamplePipelines.Square.X, 3));
    }

    /** Leaves the square's input unbound, which defining refuses. */
    @FermionPipeline
    public static Pipeline broken() {
        return Pipeline.named("broken").define(p -> p.step("square", new SamplePipelines.Square()));
    }
}
