package dev.fermion.runtime.launch;

import dev.fermion.dsl.StepContext;

/**
 * What a launched step executes. Normally the component's own {@code run}; tests may put a double in its
 * place, which then sees exactly the context the component would.
 */
@FunctionalInterface
public interface StepBody {
    void run(StepContext ctx) throws Exception;
}
