package dev.fermion.testing;

import dev.fermion.dsl.StepContext;

/**
 * Runs in place of a step's component in a {@link PipelineTest}. It sees the step's real inputs and must set
 * the step's outputs, exactly as the component would: {@code step -> step.put(Train.LOSS, 0.1)}.
 */
@FunctionalInterface
public interface StepDouble {
    void run(StepContext step) throws Exception;
}
