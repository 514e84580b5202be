package dev.fermion.dsl;

import dev.fermion.plan.Expr;
import dev.fermion.plan.Names;
import dev.fermion.types.ValueType;
import java.util.List;
import java.util.function.Function;

/**
 * A loop added by {@link Dag#forEach}: caps its parallelism and collects its body's outputs (fan-in).
 * {@code R} is what the body returned, typically the step it added, so the fan-in reads that step typed:
 *
 * <pre>{@code
 * var grid = p.forEach("grid", rates, (b, rate) -> b.step("trial", new Train()).with(Train.RATE, rate));
 * Value<List<Double>> losses = grid.collect(Train.LOSS);
 * }</pre>
 */
public final class Loop<R> implements Node {
    private final Dag dag;
    private final NodeModel.LoopModel model;
    private final R body;

    Loop(Dag dag, NodeModel.LoopModel model, R body) {
        this.dag = dag;
        this.model = model;
        this.body = body;
    }

    @Override
    public String name() {
        return model.name;
    }

    /** What the body returned: a step, or a record of the steps a larger body added. */
    public R body() {
        return body;
    }

    /** Runs at most {@code max} iterations at once. */
    public Loop<R> parallelism(int max) {
        if (max < 1) {
            throw dag.ns.error(name(), "parallelism must be at least 1, got " + max);
        }
        requireOpen();
        model.parallelism = max;
        return this;
    }

    /** Runs the whole loop only after {@code others} have finished. */
    public Loop<R> after(Node... others) {
        requireOpen();
        dag.ns.addAfter(model, name(), "loop", others);
        return this;
    }

    /**
     * Fan-in: {@code value}, read in each iteration, as one list in item order, available once every
     * iteration has finished. {@code value} is an output of a step of the body, or an {@code orElse} of one
     * that runs only in some iterations; a plain output of such a step is refused, since its list would no
     * longer line up with the items.
     */
    public <T> Value<List<T>> collect(Value<T> value) {
        requireCollectable(value);
        ValueType<List<T>> type = ValueType.listOf(value.type());
        return new Value<>(new Expr.Collected(name(), value.expr(), type), type, model.scope);
    }

    /** Fan-in of {@code output} of {@code step}, a step of the body: {@code collect(step.out(output))}. */
    public <T> Value<List<T>> collect(Step<?> step, Output<T> output) {
        return collect(step.out(output));
    }

    /** Fan-in of what {@code read} picks from the body's result: {@code grid.collect(trial -> trial.out(Train.LOSS))}. */
    public <T> Value<List<T>> collect(Function<? super R, Value<T>> read) {
        return collect(read.apply(body));
    }

    /**
     * Fan-in of {@code output} of the step the body returned, when the body returned one step:
     * {@code grid.collect(Train.LOSS)}.
     */
    public <T> Value<List<T>> collect(Output<T> output) {
        if (!(body instanceof Step<?> step)) {
            throw dag.ns.error(
                    name(),
                    "collect(" + output.name() + ") reads the step the loop body returns, but the body "
                            + "returned "
                            + (body == null ? "null" : body.getClass().getSimpleName())
                            + ": return the step from the body, or use collect(step, " + output.name() + ")");
        }
        return collect(step.out(output));
    }

    /**
     * Fan-in by the step's name.
     *
     * @deprecated name the step by its handle: {@code collect(step, output)} or {@code collect(output)} for the step
     * the body returns; javac then checks it
     */
    @Deprecated
    public <T> Value<List<T>> collect(String step, Output<T> output) {
        NodeModel node = model.body.nodes.stream()
                .filter(n -> n.name.equals(Names.sanitize(step)))
                .findFirst()
                .orElseThrow(() -> dag.ns.error(
                        name(),
                        "collect(\"" + step + "\", ...): the loop body has no step named '" + step + "'; its steps are "
                                + model.body.nodes.stream().map(n -> n.name).toList()));
        if (!(node instanceof NodeModel.StepModel stepModel)) {
            throw dag.ns.error(name(), "collect(\"" + step + "\", ...): '" + step + "' is a loop; collect from a step");
        }
        if (!stepModel.definition.ports().declares(output)) {
            throw dag.ns.error(
                    name(),
                    "collect(\"" + step + "\", " + output.name() + "): " + output + " is not an output of "
                            + stepModel.definition.getClass().getSimpleName());
        }
        ValueType<T> type = output.type();
        return collect(new Value<>(new Expr.StepOutput(stepModel.name, output.name(), type), type, stepModel.scope));
    }

    private void requireCollectable(Value<?> value) {
        requireOpen();
        String what = "collect(" + describe(value.expr()) + ")";
        if (value.type().isArtifact()) {
            throw dag.ns.error(
                    name(),
                    what + ": artifacts cannot be collected from a loop; collect a parameter (a metric, "
                            + "a URI, a key) and pick the artifact downstream");
        }
        Expr.StepOutput out = value.expr() instanceof Expr.StepOutput o
                ? o
                : value.expr() instanceof Expr.OrElse e && e.value() instanceof Expr.StepOutput o ? o : null;
        NodeModel producer = out == null ? null : dag.ns.nodes.get(out.step());
        if (producer == null || producer.graph != model.body) {
            throw dag.ns.error(
                    name(),
                    what + ": the fan-in reads an output of a step of this loop's body (or its orElse); "
                            + "this value "
                            + (producer == null
                                    ? "is not a step output"
                                    : "comes from step '" + producer.name + "', which is not in the body of loop '"
                                            + name() + "'"));
        }
        if (value.expr() instanceof Expr.StepOutput && producer.when != null) {
            throw dag.ns.error(
                    name(),
                    what + ": step '" + producer.name + "' runs only in the iterations where its "
                            + "condition holds, so its outputs would not line up with the items; collect "
                            + "step.out(" + constantName(out.port())
                            + ").orElse(...) to give skipped iterations a value");
        }
    }

    private static String describe(Expr expr) {
        if (expr instanceof Expr.StepOutput out) {
            return "\"" + out.step() + "\", " + out.port();
        }
        if (expr instanceof Expr.OrElse e) {
            return describe(e.value()) + " or else ...";
        }
        return String.valueOf(expr);
    }

    private static String constantName(String port) {
        return port.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    private void requireOpen() {
        if (dag.ns.frozen) {
            throw dag.ns.error(name(), "the pipeline is already defined; configure loops inside define(...)");
        }
    }

    NodeModel.LoopModel model() {
        return model;
    }
}
