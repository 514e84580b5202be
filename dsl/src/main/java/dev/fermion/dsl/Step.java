package dev.fermion.dsl;

import dev.fermion.plan.Expr;
import dev.fermion.plan.StepOptions;
import dev.fermion.plan.VolumeMount;
import dev.fermion.types.Artifact;
import dev.fermion.types.InlineFile;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A step of a pipeline: binds inputs of its definition {@code D}, exposes its outputs, and carries its run
 * settings. Binding a value of the wrong type does not compile:
 * {@code step.with(Train.EPOCHS, "30")} and {@code step.with(Train.EPOCHS, other.out(Eval.NAME))} are javac errors
 * when {@code EPOCHS} is an {@code Input<Integer>} and {@code NAME} an {@code Output<String>}.
 */
public final class Step<D extends Definition> implements Node, Configurable<Step<D>> {
    private final Dag dag;
    private final NodeModel.StepModel model;
    private final D definition;

    Step(Dag dag, NodeModel.StepModel model, D definition) {
        this.dag = dag;
        this.model = model;
        this.definition = definition;
    }

    @Override
    public String name() {
        return model.name;
    }

    public D definition() {
        return definition;
    }

    /** Binds {@code input} to a constant. */
    public <T> Step<D> with(Input<T> input, T value) {
        Objects.requireNonNull(value, () -> "step '" + name() + "': value for input '" + input.name() + "' is null");
        if (input.type().isArtifact()) {
            throw dag.ns.error(
                    name(),
                    "input '" + input.name() + "' is an artifact ("
                            + input.type().displayName()
                            + "): bind it to another step's output, or to a constant file with InlineFile.of(name, content)");
        }
        return bind(input, new Value<>(new Expr.Literal(input.type(), value), input.type(), dag.scope));
    }

    /** Binds the artifact input {@code input} to a constant: a directory holding {@code file}. */
    public <A extends Artifact> Step<D> with(Input<A> input, InlineFile file) {
        Objects.requireNonNull(file, () -> "step '" + name() + "': file for input '" + input.name() + "' is null");
        if (definition instanceof SubPipeline) {
            throw dag.ns.error(
                    name(),
                    "input '" + input.name() + "': a sub-pipeline passes its artifact inputs on to its "
                            + "steps; bind the inline file to the step inside it that reads it");
        }
        if (definition instanceof ResourceComponent) {
            throw dag.ns.error(name(), "input '" + input.name() + "': a resource step takes object names, not files");
        }
        return bind(input, new Value<>(new Expr.Inline(file, input.type()), input.type(), Scope.ANYWHERE));
    }

    /** Binds {@code input} to a value known at run time: a parameter, another step's output, a loop item. */
    public <T> Step<D> with(Input<T> input, Value<? extends T> value) {
        Objects.requireNonNull(value, () -> "step '" + name() + "': value for input '" + input.name() + "' is null");
        dag.requireVisible(name(), value, "input '" + input.name() + "'");
        return bind(input, value);
    }

    private Step<D> bind(Input<?> input, Value<?> value) {
        requireOpen();
        if (!definition.ports().declares(input)) {
            throw dag.ns.error(
                    name(),
                    input + " is not an input of " + definition.getClass().getSimpleName() + "; its inputs are "
                            + definition.ports().inputs().stream()
                                    .map(Input::name)
                                    .toList());
        }
        if (!input.type().rawType().isAssignableFrom(value.type().rawType())
                && !(input.type().isNumeric()
                        && value.type().isNumeric()
                        && input.type().equals(value.type()))) {
            throw dag.ns.error(
                    name(),
                    "input '" + input.name() + "' expects " + input.type().displayName() + " but is bound to "
                            + value.type().displayName());
        }
        if (model.bindings.putIfAbsent(input.name(), value) != null) {
            throw dag.ns.error(name(), "input '" + input.name() + "' is bound twice; bind each input once");
        }
        return this;
    }

    /** The value this step produces on {@code output}, for downstream steps and conditions. */
    public <T> Value<T> out(Output<T> output) {
        if (!definition.ports().declares(output)) {
            throw dag.ns.error(
                    name(),
                    output + " is not an output of " + definition.getClass().getSimpleName() + "; its outputs are "
                            + definition.ports().outputs().stream()
                                    .map(Output::name)
                                    .toList());
        }
        return new Value<>(new Expr.StepOutput(name(), output.name(), output.type()), output.type(), model.scope);
    }

    /**
     * Mounts the PersistentVolumeClaim named by {@code claimName}, e.g. the {@link VolumeClaim#CLAIM_NAME}
     * output of a step that created it; this step then runs after that one. Local runs do not mount
     * cluster volumes.
     */
    public Step<D> mountClaim(Value<String> claimName, String mountPath) {
        Objects.requireNonNull(claimName, () -> "step '" + name() + "': claim name for " + mountPath + " is null");
        requireOpen();
        dag.requireVisible(name(), claimName, "mountClaim(..., \"" + mountPath + "\")");
        VolumeMount.ClaimFromValue mount;
        try {
            mount = new VolumeMount.ClaimFromValue(claimName.expr(), mountPath, false);
        } catch (IllegalArgumentException e) {
            throw new PipelineDefinitionException(dag.ns.pipeline, name(), e.getMessage(), e);
        }
        model.mountReads.add(claimName);
        return configure(o -> o.withVolume(mount));
    }

    /** This step's image as a value known at run time; the step waits for it like for an input. */
    @Override
    public Step<D> image(Value<String> reference) {
        Objects.requireNonNull(reference, () -> "step '" + name() + "': image is null");
        requireOpen();
        dag.requireVisible(name(), reference, "image(...)");
        if (definition instanceof ResourceComponent || definition instanceof SubPipeline) {
            throw dag.ns.error(
                    name(),
                    "image(...): a " + (definition instanceof SubPipeline ? "sub-pipeline" : "resource step")
                            + " runs no image of its own");
        }
        model.mountReads.add(reference);
        return configure(o -> o.withImageFrom(reference.expr()));
    }

    /** Runs this step only after {@code others} have finished, in addition to its data dependencies. */
    public Step<D> after(Node... others) {
        requireOpen();
        dag.ns.addAfter(model, name(), "step", others);
        return this;
    }

    @Override
    public Step<D> configure(UnaryOperator<StepOptions> change) {
        requireOpen();
        try {
            model.options = change.apply(model.options);
        } catch (IllegalArgumentException e) {
            throw new PipelineDefinitionException(dag.ns.pipeline, name(), e.getMessage(), e);
        }
        return this;
    }

    private void requireOpen() {
        if (dag.ns.frozen) {
            throw dag.ns.error(name(), "the pipeline is already defined; configure steps inside define(...)");
        }
    }

    NodeModel.StepModel model() {
        return model;
    }

    @Override
    public String toString() {
        return "Step(" + name() + ": " + definition.getClass().getSimpleName() + ")";
    }
}
