package dev.fermion.dsl;

import dev.fermion.plan.Cond;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Names;
import dev.fermion.types.ValueType;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The pipeline under construction, handed to {@link Pipeline.Builder#define}. Steps, branches and loops
 * added here read in the order they run:
 *
 * <pre>{@code
 * Param<Double> minAccuracy = p.param("min-accuracy", 0.9);
 * var prep  = p.step("prepare", new PrepareCsv()).with(PrepareCsv.SOURCE, "data/iris.csv");
 * var train = p.step("train", new Train()).with(Train.DATA, prep.out(PrepareCsv.TRAIN));
 * var eval  = p.step("evaluate", new Evaluate()).with(Evaluate.MODEL, train.out(Train.MODEL));
 * p.when(eval.out(Evaluate.ACCURACY).atLeast(minAccuracy), b -> b.step("deploy", new Deploy()));
 * }</pre>
 *
 * The same type is the body of a branch, a loop and a sub-pipeline; each knows which values it may read.
 */
public final class Dag {
    final Namespace ns;
    final Scope scope;
    final NodeModel.GraphModel graph;
    final Cond branchCondition;
    final List<Value<?>> branchOperands;

    Dag(Namespace ns, Scope scope, NodeModel.GraphModel graph, Cond branchCondition, List<Value<?>> branchOperands) {
        this.ns = ns;
        this.scope = scope;
        this.graph = graph;
        this.branchCondition = branchCondition;
        this.branchOperands = List.copyOf(branchOperands);
    }

    /** A parameter with a default; its type is the default's class. */
    @SuppressWarnings("unchecked")
    public <T> Param<T> param(String name, T defaultValue) {
        Objects.requireNonNull(
                defaultValue, () -> "param '" + name + "': use param(name, Type.class) for a required parameter");
        if (defaultValue instanceof List<?> || defaultValue instanceof java.util.Map<?, ?>) {
            throw ns.error(
                    null,
                    "param '" + name + "': collection parameters need their element type: "
                            + "param(name, ValueType.listOf(Double.class), List.of(...))");
        }
        // An enum constant with a body has an anonymous subclass, which is not itself an enum type.
        Class<?> type = defaultValue instanceof Enum<?> e ? e.getDeclaringClass() : defaultValue.getClass();
        return param(name, ValueType.of((Class<T>) type), defaultValue, "");
    }

    /** A required parameter: runs and submissions must give it. */
    public <T> Param<T> param(String name, Class<T> type) {
        return param(name, ValueType.of(type), null, "");
    }

    public <T> Param<T> param(String name, ValueType<T> type, T defaultValue) {
        return param(name, type, defaultValue, "");
    }

    public <T> Param<T> param(String name, ValueType<T> type, T defaultValue, String description) {
        if (ns.frozen) {
            throw ns.error(
                    null, "the pipeline is already defined; declare parameter '" + name + "' inside define(...)");
        }
        if (scope != ns.root || ns.subPipeline != null) {
            throw ns.error(
                    null,
                    "param '" + name + "' must be declared at the top level of the pipeline, "
                            + "not inside a branch, loop, sub-pipeline or exit handler");
        }
        if (name == null || !Names.PORT.matcher(name).matches() || name.length() > Names.MAX_LABEL) {
            throw ns.error(
                    null,
                    "invalid parameter name '" + name + "': use letters, digits, '-' or '_', starting with a letter");
        }
        if (ns.params.stream().anyMatch(p -> p.name().equals(name))) {
            throw ns.error(null, "duplicate parameter '" + name + "': declare each parameter once and reuse the Param");
        }
        if (type.isArtifact()) {
            throw ns.error(
                    null,
                    "parameter '" + name + "' has artifact type " + type.displayName()
                            + ": pass a path or URI as a String parameter and read it in a step");
        }
        Param<T> param = new Param<>(name, type, ns.root);
        ns.params.add(param);
        if (defaultValue != null) {
            ns.paramDefaults.put(name, defaultValue);
        }
        ns.paramDescriptions.put(name, description == null ? "" : description);
        return param;
    }

    /**
     * Adds a step that runs {@code definition}: a {@link Component}, a {@link ContainerComponent}, a
     * {@link ResourceComponent} or a {@link SubPipeline}.
     */
    public <D extends Definition> Step<D> step(String name, D definition) {
        Objects.requireNonNull(definition, () -> "step '" + name + "': definition is null");
        String claimed = ns.claim(name, "step");
        if (!(definition instanceof ResourceComponent)) {
            requireLaunchable(claimed, definition.getClass());
        }
        try {
            definition.ports();
        } catch (IllegalStateException e) {
            throw new PipelineDefinitionException(ns.pipeline, claimed, e.getMessage(), e);
        }
        String version = definition.version();
        if (version == null
                || version.isBlank()
                || version.chars().anyMatch(c -> c == '{' || c == '}' || Character.isISOControl(c))) {
            throw ns.error(
                    claimed,
                    definition.getClass().getSimpleName() + ".version() is '" + version + "': a version "
                            + "is written into cache keys and Argo expressions, so use plain text such as \"2\" or \"1.4.0\"");
        }
        NodeModel.StepModel model = new NodeModel.StepModel(claimed, this, definition);
        register(model);
        if (definition instanceof SubPipeline sub) {
            PlanBuilder.buildSubPipeline(ns, claimed, sub);
        }
        return new Step<>(this, model, definition);
    }

    /** How deep {@link #recurse(String, SubPipeline)} may go unless told otherwise. */
    public static final int DEFAULT_MAX_DEPTH = 10;

    /**
     * Inside a {@link SubPipeline#define}, inside a {@link #when} branch: runs the same sub-pipeline again
     * with new inputs, bound with {@code with(...)} and type-checked like any step. Steps before the call
     * and a condition on their outputs make a do-while loop; a condition on the inputs around the whole
     * body makes a while loop. The run fails, naming this step, when the call would go deeper than
     * {@value #DEFAULT_MAX_DEPTH} levels (the call from outside is level 1).
     */
    public <D extends SubPipeline> Step<D> recurse(String name, D self) {
        return recurse(name, self, DEFAULT_MAX_DEPTH);
    }

    /** {@link #recurse(String, SubPipeline)} allowing at most {@code maxDepth} levels in all. */
    public <D extends SubPipeline> Step<D> recurse(String name, D self, int maxDepth) {
        Objects.requireNonNull(self, () -> "recurse '" + name + "': the sub-pipeline is null; pass this");
        String claimed = ns.claim(name, "step");
        if (ns.subPipeline == null || ns.subPipeline.getClass() != self.getClass()) {
            throw ns.error(
                    claimed,
                    "recurse(...) runs the sub-pipeline being defined again, so it is only available "
                            + "inside that SubPipeline's define() with dag.recurse(name, this)"
                            + (ns.subPipeline == null
                                    ? ""
                                    : "; this is " + ns.subPipeline.getClass().getSimpleName() + ", not "
                                            + self.getClass().getSimpleName()));
        }
        if (maxDepth < 1) {
            throw ns.error(claimed, "maxDepth must be at least 1, got " + maxDepth);
        }
        if (branchCondition == null) {
            throw ns.error(
                    claimed,
                    "an unconditional recursion never ends: call recurse(...) inside "
                            + "dag.when(condition, b -> b.recurse(...))");
        }
        if (scope.enclosingLoop() != null) {
            throw ns.error(
                    claimed,
                    "recurse(...) cannot be used inside a forEach body: recurse at the level of the "
                            + "sub-pipeline and loop inside it");
        }
        NodeModel.StepModel model = new NodeModel.StepModel(claimed, this, self);
        model.maxDepth = maxDepth;
        register(model);
        return new Step<>(this, model, self);
    }

    /**
     * Runs {@code body} only when {@code condition} holds; add {@link Branch#otherwise} for the else branch.
     * {@link Branch#then()} is what {@code body} returned, e.g. the step it added.
     */
    public <R> Branch<R> when(Condition condition, Function<Dag, R> body) {
        Objects.requireNonNull(condition, "condition");
        for (Value<?> operand : condition.operands()) {
            requireVisible(null, operand, "a condition");
        }
        Branch<R> branch = new Branch<>(this, condition);
        branch.run(body);
        return branch;
    }

    /**
     * Runs {@code body} once per item of a list written in the pipeline. {@link Loop#body()} is what
     * {@code body} returned, e.g. the step it added, whose outputs {@link Loop#collect} gathers.
     */
    @SuppressWarnings("unchecked")
    public <T, R> Loop<R> forEach(String name, List<T> items, BiFunction<Dag, Value<T>, R> body) {
        if (items == null || items.isEmpty()) {
            throw ns.error(name, "loop over an empty list: give at least one item");
        }
        T first = items.get(0);
        Class<?> itemClass =
                first instanceof Enum<?> e ? e.getDeclaringClass() : first == null ? Object.class : first.getClass();
        for (T item : items) {
            if (item == null || !itemClass.isInstance(item)) {
                throw ns.error(
                        name,
                        "loop items must all be non-null values of one type; found " + item + " among "
                                + itemClass.getSimpleName() + " items. Use forEach(name, ValueType, items, body)");
            }
        }
        return forEach(name, ValueType.of((Class<T>) itemClass), items, body);
    }

    /** Runs {@code body} once per item of a list written in the pipeline, with an explicit item type. */
    public <T, R> Loop<R> forEach(
            String name, ValueType<T> itemType, List<T> items, BiFunction<Dag, Value<T>, R> body) {
        if (items == null || items.isEmpty()) {
            throw ns.error(name, "loop over an empty list: give at least one item");
        }
        ValueType<List<T>> listType = ValueType.listOf(itemType);
        Value<List<T>> literal = new Value<>(new Expr.Literal(listType, List.copyOf(items)), listType, scope);
        return loop(name, literal, itemType, body);
    }

    /** Runs {@code body} once per item of a list known only at run time: a parameter or a step output. */
    @SuppressWarnings("unchecked")
    public <T, R> Loop<R> forEach(String name, Value<List<T>> items, BiFunction<Dag, Value<T>, R> body) {
        Objects.requireNonNull(items, "items");
        if (items.type().kind() != ValueType.Kind.LIST) {
            throw ns.error(
                    name, "forEach needs a list value, got " + items.type().displayName());
        }
        return loop(name, items, (ValueType<T>) items.type().elementType(), body);
    }

    private <T, R> Loop<R> loop(String name, Value<?> items, ValueType<T> itemType, BiFunction<Dag, Value<T>, R> body) {
        String claimed = ns.claim(name, "loop");
        requireVisible(claimed, items, "the loop's items");
        NodeModel.LoopModel model = new NodeModel.LoopModel(claimed, this, items, itemType);
        register(model);
        Dag bodyDag = new Dag(ns, model.bodyScope, model.body, null, List.of());
        Value<T> item = new Value<>(new Expr.LoopItem(claimed, itemType), itemType, model.bodyScope);
        R result = body.apply(bodyDag, item);
        if (model.body.nodes.isEmpty()) {
            throw ns.error(claimed, "the loop body adds no steps");
        }
        return new Loop<>(this, model, result);
    }

    /** Steps that run after the pipeline ends, whatever its outcome; they may read {@link #status()}. */
    public void onExit(Consumer<Dag> handler) {
        if (scope != ns.root || ns.subPipeline != null) {
            throw ns.error(null, "onExit must be called at the top level of the pipeline");
        }
        if (ns.exitGraph != null) {
            throw ns.error(null, "the pipeline already has an exit handler; put all exit steps in one onExit");
        }
        ns.exitGraph = new NodeModel.GraphModel("exit-handler", null, null);
        handler.accept(new Dag(ns, ns.exitScope, ns.exitGraph, null, List.of()));
        if (ns.exitGraph.nodes.isEmpty()) {
            throw ns.error(null, "the exit handler adds no steps");
        }
    }

    /** The pipeline's outcome, {@code Succeeded}, {@code Failed} or {@code Error}; readable in the exit handler. */
    public Value<String> status() {
        ValueType<String> type = ValueType.of(String.class);
        return new Value<>(new Expr.WorkflowStatus(type), type, ns.exitScope);
    }

    /** Inside a {@link SubPipeline#define}: the value bound to one of the sub-pipeline's inputs. */
    public <T> Value<T> input(Input<T> input) {
        if (ns.subPipeline == null) {
            throw ns.error(null, "input(" + input.name() + ") is only available inside a SubPipeline's define()");
        }
        if (!ns.subPipeline.ports().declares(input)) {
            throw ns.error(
                    null,
                    input + " is not declared by " + ns.subPipeline.getClass().getSimpleName());
        }
        return new Value<>(new Expr.GraphInput(input.name(), input.type()), input.type(), ns.root);
    }

    /** Inside a {@link SubPipeline#define}: exports {@code value} as the sub-pipeline's output. */
    public <T> void output(Output<T> output, Value<? extends T> value) {
        if (ns.subPipeline == null) {
            throw ns.error(null, "output(" + output.name() + ") is only available inside a SubPipeline's define()");
        }
        if (!ns.subPipeline.ports().declares(output)) {
            throw ns.error(
                    null,
                    output + " is not declared by " + ns.subPipeline.getClass().getSimpleName());
        }
        if (scope != ns.root) {
            throw ns.error(null, "output(" + output.name() + ") must be set at the top level of the sub-pipeline");
        }
        requireVisible(null, value, "output '" + output.name() + "'");
        if (ns.outputs.putIfAbsent(output.name(), value) != null) {
            throw ns.error(null, "output '" + output.name() + "' is set twice");
        }
    }

    /**
     * Declares {@code value} one of the pipeline's results, under {@code name}: what a run of it is judged and
     * compared by (an accuracy, the chosen hyper-parameter). Results are shown in the run's summary and are the
     * headline metrics of its tracking run. A result whose step did not run (a skipped branch) is absent.
     */
    public void result(String name, Value<?> value) {
        if (ns.subPipeline != null) {
            throw ns.error(
                    null,
                    "result(" + name + ") declares a result of the pipeline; a sub-pipeline exports "
                            + "values with output(...)");
        }
        if (scope != ns.root) {
            throw ns.error(
                    null,
                    "result '" + name + "' must be declared at the top level of the pipeline, "
                            + "outside when/forEach blocks");
        }
        if (name == null || !Names.PORT.matcher(name).matches() || name.length() > Names.MAX_LABEL) {
            throw ns.error(
                    null,
                    "invalid result name '" + name + "': use letters, digits, '-' or '_', starting with a letter");
        }
        requireVisible(null, value, "result '" + name + "'");
        if (value.type().isArtifact()) {
            throw ns.error(
                    null,
                    "result '" + name + "' is an artifact (" + value.type().displayName() + "); "
                            + "results are values: declare a step's parameter output");
        }
        if (ns.results.putIfAbsent(name, value) != null) {
            throw ns.error(null, "result '" + name + "' is declared twice");
        }
    }

    void register(NodeModel model) {
        graph.nodes.add(model);
        ns.nodes.put(model.name, model);
    }

    /** Fails unless {@code value} may be read by a node defined in this dag. */
    void requireVisible(String step, Value<?> value, String where) {
        if (value instanceof Param<?>) {
            if (!scope.seesParamsOf(value.scope())) {
                throw ns.error(
                        step,
                        where + " reads pipeline parameter '" + ((Param<?>) value).name()
                                + "', which a sub-pipeline cannot see: declare an Input on the sub-pipeline and bind the parameter to it");
            }
            return;
        }
        if (scope.sees(value.scope())) {
            return;
        }
        throw ns.error(step, where + " reads " + value.expr().accept(new Invisible(value.scope())));
    }

    private void requireLaunchable(String step, Class<?> type) {
        if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            throw ns.error(
                    step,
                    type.getName() + " is an anonymous or local class, which a pod cannot load by name: "
                            + "make it a public top-level or static nested class");
        }
        if (!Modifier.isPublic(type.getModifiers())
                || (type.getEnclosingClass() != null && !Modifier.isStatic(type.getModifiers()))) {
            throw ns.error(
                    step,
                    type.getName()
                            + " must be a public top-level or public static nested class so the launcher can create it");
        }
        try {
            if (!Modifier.isPublic(type.getConstructor().getModifiers())) {
                throw new NoSuchMethodException();
            }
        } catch (NoSuchMethodException e) {
            throw ns.error(
                    step, type.getName() + " needs a public no-argument constructor: keep configuration in inputs");
        }
    }

    List<Value<?>> operandsWith(Condition condition) {
        List<Value<?>> all = new ArrayList<>(branchOperands);
        all.addAll(condition.operands());
        return all;
    }
}
