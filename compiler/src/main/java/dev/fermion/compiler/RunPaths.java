package dev.fermion.compiler;

import dev.fermion.compiler.argo.Parameter;
import dev.fermion.plan.Node;
import java.util.Optional;

/**
 * Where each Java step's pod sits in the run, for its MLflow child run. A local run names a step by its path
 * ({@code loop/index/step}, {@code call/step}), and a pod must too: the iterations of a loop are one task over
 * one template with one step name, and would all report into one child run. With tracking, loop-body and
 * sub-pipeline templates take their path as the input {@value #SCOPE}, each passes its own inward, and a Java
 * step's template takes its full path as {@value #PATH}, by which the launcher names the step. A pod knows a
 * loop's item by value, not by position, so on Argo a loop's iterations are named by their items
 * ({@code grid/0.01/trial}) where a local run numbers them ({@code grid/0/trial}).
 *
 * <p>Without tracking nothing is added: no pod needs the path, and the workflow stays as small as it was.
 */
final class RunPaths {
    /** A Java step template's input: the step's path, which its launcher runs it as. */
    static final String PATH = "fermion-path";
    /** A loop body's or sub-pipeline's template input: its path, ending with '/'. */
    static final String SCOPE = "fermion-scope";

    private static final String SCOPE_REF = "{{inputs.parameters." + SCOPE + "}}";

    private final boolean tracked;

    RunPaths(boolean tracked) {
        this.tracked = tracked;
    }

    /** The path input of a loop body's or sub-pipeline's template. */
    Optional<Parameter> scopeInput(GraphScope scope) {
        return tracked && nested(scope) ? Optional.of(Parameter.declared(SCOPE)) : Optional.empty();
    }

    /** A Java step task's path argument. */
    Optional<Parameter> step(GraphScope scope, Node.StepNode step) {
        return tracked ? Optional.of(Parameter.of(PATH, prefix(scope) + step.name())) : Optional.empty();
    }

    /** The path a call (or recursion) of a sub-pipeline passes to the sub-pipeline's template. */
    Optional<Parameter> call(GraphScope scope, Node call) {
        return tracked ? Optional.of(Parameter.of(SCOPE, prefix(scope) + call.name() + "/")) : Optional.empty();
    }

    /** The path each iteration of a loop passes to its body: the loop's, then the item. */
    Optional<Parameter> iteration(GraphScope scope, Node.LoopNode loop) {
        return tracked
                ? Optional.of(Parameter.of(SCOPE, prefix(scope) + loop.name() + "/{{item}}/"))
                : Optional.empty();
    }

    /** The path a loop passes to its parallelism wrapper, which adds the item for each iteration. */
    Optional<Parameter> wrapper(GraphScope scope, Node.LoopNode loop) {
        return tracked ? Optional.of(Parameter.of(SCOPE, prefix(scope) + loop.name() + "/")) : Optional.empty();
    }

    /** Inside a loop's parallelism wrapper: the path its iterations pass to the body. */
    Optional<Parameter> wrappedIteration() {
        return tracked ? Optional.of(Parameter.of(SCOPE, SCOPE_REF + "{{item}}/")) : Optional.empty();
    }

    /** The wrapper's own path input. */
    Optional<Parameter> wrapperInput() {
        return tracked ? Optional.of(Parameter.declared(SCOPE)) : Optional.empty();
    }

    private static String prefix(GraphScope scope) {
        return nested(scope) ? SCOPE_REF : "";
    }

    private static boolean nested(GraphScope scope) {
        return scope.kind == GraphScope.Kind.LOOP || scope.kind == GraphScope.Kind.SUB;
    }
}
