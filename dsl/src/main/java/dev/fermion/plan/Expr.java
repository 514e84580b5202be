package dev.fermion.plan;

import dev.fermion.types.ValueType;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a step input's value comes from, in backend-neutral terms. The Argo emitter turns each kind into a
 * {@code {{...}}} reference; the local runner resolves it from its store.
 */
public sealed interface Expr {

    /** Dispatches on the kind, so that code handling every kind stops compiling when a kind is added. */
    <R> R accept(Visitor<R> visitor);

    /** One method per kind of value. */
    interface Visitor<R> {
        R literal(Expr.Literal literal);

        R inline(Expr.Inline inline);

        R param(Expr.Param param);

        R stepOutput(Expr.StepOutput stepOutput);

        R loopItem(Expr.LoopItem loopItem);

        R collected(Expr.Collected collected);

        R orElse(Expr.OrElse orElse);

        R field(Expr.Field field);

        R listOf(Expr.ListOf listOf);

        R mapOf(Expr.MapOf mapOf);

        R format(Expr.Format format);

        R graphInput(Expr.GraphInput graphInput);

        R workflowStatus(Expr.WorkflowStatus workflowStatus);
    }

    ValueType<?> type();

    /** A constant written in the pipeline definition. */
    record Literal(ValueType<?> type, Object value) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.literal(this);
        }
    }

    /** A constant artifact: a directory holding {@code file}, written in the definition. */
    record Inline(dev.fermion.types.InlineFile file, ValueType<?> type) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.inline(this);
        }
    }

    /** A pipeline parameter, overridable at run or submit time. */
    record Param(String name, ValueType<?> type) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.param(this);
        }
    }

    /** An output of another step of the same graph or of an enclosing graph. */
    record StepOutput(String step, String port, ValueType<?> type) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.stepOutput(this);
        }
    }

    /** The current item of an enclosing loop. */
    record LoopItem(String loop, ValueType<?> type) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.loopItem(this);
        }
    }

    /**
     * Fan-in: {@code each}, a value of the body of loop {@code loop} (an output of a body step, or an
     * {@link OrElse} of one), read in every iteration: one element per item, in item order.
     */
    record Collected(String loop, Expr each, ValueType<?> type) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.collected(this);
        }
    }

    /**
     * {@code value} when what produces it ran (its step or loop succeeded; for an {@code OrElse}, either side is
     * there), otherwise {@code fallback}: a step's output read after the branch that may skip the step.
     */
    record OrElse(Expr value, Expr fallback, ValueType<?> type) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.orElse(this);
        }
    }

    /** Component {@code name} of the record {@code of} evaluates to, e.g. a field of a loop item. */
    record Field(Expr of, String name, ValueType<?> type) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.field(this);
        }
    }

    /** A list of the values {@code elements} evaluate to, in order: a loop over values known at run time. */
    record ListOf(List<Expr> elements, ValueType<?> type) implements Expr {
        public ListOf {
            elements = List.copyOf(elements);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.listOf(this);
        }
    }

    /** A map from each key to the value its expression evaluates to; keys in sorted order. */
    record MapOf(Map<String, Expr> entries, ValueType<?> type) implements Expr {
        public MapOf {
            entries = Collections.unmodifiableMap(new TreeMap<>(entries));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.mapOf(this);
        }
    }

    /**
     * A string: {@code texts.get(0)}, then each argument's value as written (a string as it is, anything else in
     * its encoded text) followed by the next text. {@code texts} has one element more than {@code args}.
     */
    record Format(List<String> texts, List<Expr> args, ValueType<?> type) implements Expr {
        public Format {
            texts = List.copyOf(texts);
            args = List.copyOf(args);
            if (texts.size() != args.size() + 1) {
                throw new IllegalArgumentException("a format has one text more than arguments");
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.format(this);
        }
    }

    /** An input of the sub-pipeline whose body this graph is. */
    record GraphInput(String name, ValueType<?> type) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.graphInput(this);
        }
    }

    /** The pipeline's final status ({@code Succeeded}, {@code Failed}, {@code Error}); exit handlers only. */
    record WorkflowStatus(ValueType<?> type) implements Expr {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.workflowStatus(this);
        }
    }
}
