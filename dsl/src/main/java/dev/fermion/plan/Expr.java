package dev.fermion.plan;

import dev.fermion.dsl.ValueType;

/**
 * Where a step input's value comes from, in backend-neutral terms. The Argo emitter turns each kind into a
 * {@code {{...}}} reference; the local runner resolves it from its store.
 */
public sealed interface Expr {

    ValueType<?> type();

    /** A constant written in the pipeline definition. */
    record Literal(ValueType<?> type, Object value) implements Expr { }

    /** A pipeline parameter, overridable at run or submit time. */
    record Param(String name, ValueType<?> type) implements Expr { }

    /** An output of another step of the same graph or of an enclosing graph. */
    record StepOutput(String step, String port, ValueType<?> type) implements Expr { }

    /** The current item of an enclosing loop. */
    record LoopItem(String loop, ValueType<?> type) implements Expr { }

    /**
     * Fan-in: {@code each}, a value of the body of loop {@code loop} (an output of a body step, or an
     * {@link OrElse} of one), read in every iteration: one element per item, in item order.
     */
    record Collected(String loop, Expr each, ValueType<?> type) implements Expr { }

    /**
     * {@code value} when what produces it ran (its step or loop succeeded; for an {@code OrElse}, either side is
     * there), otherwise {@code fallback}: a step's output read after the branch that may skip the step.
     */
    record OrElse(Expr value, Expr fallback, ValueType<?> type) implements Expr { }

    /** An input of the sub-pipeline whose body this graph is. */
    record GraphInput(String name, ValueType<?> type) implements Expr { }

    /** The pipeline's final status ({@code Succeeded}, {@code Failed}, {@code Error}); exit handlers only. */
    record WorkflowStatus(ValueType<?> type) implements Expr { }
}
