package dev.fermion.dsl;

import dev.fermion.plan.Expr;

import java.util.List;

/** A loop added by {@link Dag#forEach}: caps its parallelism and collects its body's outputs (fan-in). */
public final class Loop implements Node {
    private final Dag dag;
    private final NodeModel.LoopModel model;

    Loop(Dag dag, NodeModel.LoopModel model) {
        this.dag = dag;
        this.model = model;
    }

    @Override
    public String name() {
        return model.name;
    }

    /** Runs at most {@code max} iterations at once. */
    public Loop parallelism(int max) {
        if (max < 1) {
            throw dag.ns.error(name(), "parallelism must be at least 1, got " + max);
        }
        requireOpen();
        model.parallelism = max;
        return this;
    }

    /** Runs the whole loop only after {@code others} have finished. */
    public Loop after(Node... others) {
        requireOpen();
        for (Node other : others) {
            NodeModel target = dag.ns.nodes.get(other.name());
            if (target == null) {
                throw dag.ns.error(name(), "after(" + other.name() + "): that step is not part of this pipeline");
            }
            if (target == model) {
                throw dag.ns.error(name(), "a loop cannot run after itself");
            }
            model.after.add(target);
        }
        return this;
    }

    /**
     * Fan-in: the values of {@code output} of the body step {@code step}, one per iteration in item order,
     * available once every iteration has finished.
     */
    public <T> Value<List<T>> collect(String step, Output<T> output) {
        NodeModel node = model.body.nodes.stream().filter(n -> n.name.equals(Names.sanitize(step))).findFirst()
                .orElseThrow(() -> dag.ns.error(name(), "collect(\"" + step + "\", ...): the loop body has no step named '"
                        + step + "'; its steps are " + model.body.nodes.stream().map(n -> n.name).toList()));
        if (!(node instanceof NodeModel.StepModel stepModel)) {
            throw dag.ns.error(name(), "collect(\"" + step + "\", ...): '" + step + "' is a loop; collect from a step");
        }
        if (!stepModel.definition.ports().declares(output)) {
            throw dag.ns.error(name(), "collect(\"" + step + "\", " + output.name() + "): " + output + " is not an output of "
                    + stepModel.definition.getClass().getSimpleName());
        }
        if (output.type().isArtifact()) {
            throw dag.ns.error(name(), "collect(\"" + step + "\", " + output.name() + "): artifacts cannot be collected "
                    + "from a loop; collect a parameter (a metric, a URI, a key) and pick the artifact downstream");
        }
        ValueType<List<T>> type = ValueType.listOf(output.type());
        return new Value<>(new Expr.Collected(name(), stepModel.name, output.name(), type), type, model.scope);
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
