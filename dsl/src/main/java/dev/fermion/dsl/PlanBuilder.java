package dev.fermion.dsl;

import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Exprs;
import dev.fermion.plan.Cond;
import dev.fermion.plan.ContainerSpec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Graph;
import dev.fermion.plan.ManifestField;
import dev.fermion.plan.Node;
import dev.fermion.plan.ParamSpec;
import dev.fermion.plan.ResultSpec;
import dev.fermion.plan.Plan;
import dev.fermion.plan.PortSpec;
import dev.fermion.plan.ResourceManifest;
import dev.fermion.plan.ResourceSpec;
import dev.fermion.plan.Schedule;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Validates a finished definition and turns it into an immutable {@link Plan}. */
final class PlanBuilder {
    private static final String NAME_PATH = "{.metadata.name}";
    private final Namespace ns;
    private final StepOptions defaults;
    private final Map<ComponentKey, ComponentSpec> components = new HashMap<>();

    private PlanBuilder(Namespace ns, StepOptions defaults) {
        this.ns = ns;
        this.defaults = defaults;
    }

    static Plan build(Namespace ns, Pipeline.Builder meta) {
        ns.frozen = true;
        StepOptions defaults = ns.shared.defaults;
        PlanBuilder builder = new PlanBuilder(ns, defaults);
        Optional<Schedule> schedule = Optional.ofNullable(meta.schedule).map(s -> Cron.validate(ns.pipeline, s));
        List<ParamSpec> params = ns.params.stream()
                .map(p -> new ParamSpec(p.name(), p.type(), ns.paramDefaults.get(p.name()), ns.paramDescriptions.get(p.name())))
                .toList();
        if (schedule.isPresent()) {
            params.stream().filter(ParamSpec::required).findFirst().ifPresent(p -> {
                throw ns.error(null, "scheduled pipelines run unattended, so parameter '" + p.name()
                        + "' needs a default value");
            });
        }
        Graph main = builder.graph(ns.mainGraph, List.of(), List.of());
        Optional<Graph> exit = Optional.ofNullable(ns.exitGraph).map(g -> builder.graph(g, List.of(), List.of()));
        requireOneVolumePerName(ns.pipeline, main, exit, ns.shared.subPipelines.values());
        List<ResultSpec> results = ns.results.entrySet().stream()
                .map(e -> new ResultSpec(e.getKey(), e.getValue().expr())).toList();
        return new Plan(ns.pipeline, meta.experiment == null ? ns.pipeline : meta.experiment,
                meta.description == null ? "" : meta.description, meta.version == null ? "1" : meta.version,
                params, main, exit, defaults, schedule, ns.shared.subPipelines, results, meta.lifecycle);
    }

    /**
     * A workflow declares each volume once, so two steps naming one emptyDir volume must set it up alike; other
     * volumes are named after what they mount.
     */
    private static void requireOneVolumePerName(String pipeline, Graph main, Optional<Graph> exit, java.util.Collection<Graph> subs) {
        Map<String, VolumeMount.EmptyDir> seen = new HashMap<>();
        List<Graph> graphs = new ArrayList<>(List.of(main));
        exit.ifPresent(graphs::add);
        graphs.addAll(subs);
        while (!graphs.isEmpty()) {
            Graph graph = graphs.remove(graphs.size() - 1);
            for (Node node : graph.nodes()) {
                node.loopBody().ifPresent(graphs::add);
                if (node.podOptions().isEmpty()) {
                    continue;
                }
                for (VolumeMount mount : node.podOptions().get().volumes()) {
                    if (mount instanceof VolumeMount.EmptyDir dir) {
                        VolumeMount.EmptyDir other = seen.putIfAbsent(dir.name(), dir);
                        if (other != null && (other.memory() != dir.memory() || !java.util.Objects.equals(other.sizeLimit(), dir.sizeLimit()))) {
                            throw new PipelineDefinitionException(pipeline, node.name(), "emptyDir volume '" + dir.name()
                                    + "' is set up differently by another step; a workflow has one volume per name, so give "
                                    + "the two volumes different names or the same settings");
                        }
                    }
                }
            }
        }
    }

    /** What every step gets unless it says otherwise: caching on, then the pipeline's own defaults. */
    static StepOptions stepDefaults(StepOptions pipelineDefaults) {
        return StepOptions.NONE.withCache(CachePolicy.FOREVER).overriddenBy(pipelineDefaults);
    }

    /** Builds the body of {@code sub} once per pipeline, so every step using it shares one graph. */
    static void buildSubPipeline(Namespace parent, String step, SubPipeline sub) {
        String key = sub.getClass().getName();
        Namespace.Shared shared = parent.shared;
        if (shared.subPipelines.containsKey(key)) {
            return;
        }
        if (!shared.building.add(key)) {
            throw parent.error(step, "sub-pipeline " + sub.getClass().getSimpleName() + " uses itself; "
                    + "a sub-pipeline cannot contain itself: to run it again under a condition, call "
                    + "dag.recurse(name, this) inside dag.when(...) in its define()");
        }
        try {
            String name = Names.sanitize(sub.getClass().getSimpleName());
            Namespace ns = new Namespace(name, sub, shared);
            ns.mainGraph = new NodeModel.GraphModel(name, null, null);
            Dag dag = new Dag(ns, ns.root, ns.mainGraph, null, List.of());
            try {
                sub.defineInto(dag);
            } catch (PipelineDefinitionException e) {
                throw new PipelineDefinitionException(parent.pipeline, step, "in sub-pipeline: " + e.getMessage(), e);
            }
            ns.frozen = true;
            if (ns.mainGraph.nodes.isEmpty()) {
                throw parent.error(step, "sub-pipeline " + sub.getClass().getSimpleName() + " adds no steps");
            }
            List<PortSpec> inputs = sub.ports().inputs().stream().map(PlanBuilder::port).toList();
            List<Graph.GraphOutput> outputs = new ArrayList<>();
            for (Output<?> output : sub.ports().outputs()) {
                Value<?> value = ns.outputs.get(output.name());
                if (value == null) {
                    throw parent.error(step, "sub-pipeline " + sub.getClass().getSimpleName() + " never sets output '"
                            + output.name() + "': call dag.output(" + output.name().toUpperCase(java.util.Locale.ROOT).replace('-', '_') + ", ...) in define()");
                }
                outputs.add(new Graph.GraphOutput(output.name(), output.type(), value.expr()));
            }
            Graph graph = new PlanBuilder(ns, shared.defaults).graph(ns.mainGraph, inputs, outputs);
            shared.subPipelines.put(key, graph);
        } finally {
            shared.building.remove(key);
        }
    }

    private Graph graph(NodeModel.GraphModel model, List<PortSpec> inputs, List<Graph.GraphOutput> outputs) {
        List<Node> nodes = new ArrayList<>();
        Map<String, Set<String>> edges = new LinkedHashMap<>();
        for (NodeModel node : model.nodes) {
            Set<String> deps = dependencies(node);
            edges.put(node.name, deps);
            Optional<Cond> when = Optional.ofNullable(node.when);
            nodes.add(node(node, deps, when));
        }
        rejectCycles(edges);
        return new Graph(model.name, nodes, inputs, outputs);
    }

    private Node node(NodeModel node, Set<String> deps, Optional<Cond> when) {
        if (node instanceof NodeModel.LoopModel loop) {
            return new Node.LoopNode(loop.name, loop.items.expr(), loop.itemType, loop.parallelism,
                    graph(loop.body, List.of(), List.of()), deps, when);
        }
        NodeModel.StepModel step = (NodeModel.StepModel) node;
        if (step.maxDepth > 0) {
            requireSubInputs(step);
            return new Node.RecurseNode(step.name, step.definition.getClass().getName(), bindings(step), step.maxDepth,
                    deps, when);
        }
        if (step.definition instanceof ContainerComponent container) {
            Map<String, Expr> bindings = bindings(step);
            return new Node.ContainerNode(step.name, component(step.definition), containerSpec(step, container, bindings),
                    bindings, containerOptions(step), deps, when);
        }
        if (step.definition instanceof ResourceComponent resource) {
            ResourceSpec spec = resourceSpec(step, resource);
            return new Node.ResourceNode(step.name, component(step.definition), spec, resourceBindings(step, spec),
                    containerOptions(step), deps, when);
        }
        if (step.definition instanceof SubPipeline) {
            requireSubInputs(step);
            return new Node.CallNode(step.name, step.definition.getClass().getName(), bindings(step), deps, when);
        }
        return new Node.StepNode(step.name, component(step.definition), bindings(step),
                options(step), deps, when);
    }

    /** On Argo a sub-pipeline's template takes every input, so an optional one needs a value here too. */
    private void requireSubInputs(NodeModel.StepModel step) {
        for (Input<?> input : step.definition.ports().inputs()) {
            if (input.isOptional() && !step.bindings.containsKey(input.name())) {
                String definition = step.definition.getClass().getSimpleName();
                throw ns.error(step.name, "input '" + input.name() + "' of sub-pipeline " + definition + " is optional and "
                        + "not bound here, but every sub-pipeline input needs a value: bind it with .with(" + definition + "."
                        + constantName(input.name()) + ", ...) or give it a defaultValue(...)");
            }
        }
    }

    /**
     * The step's settings over the pipeline defaults. Two kinds of step are not cached unless they ask:
     * those that are not {@link Definition#cacheableByDefault()} and exit-handler steps, which report on this
     * run's outcome and must not replay an earlier run's report.
     */
    private StepOptions options(NodeModel.StepModel step) {
        StepOptions resolved = withRequiredGpu(step, defaults.overriddenBy(step.options));
        boolean uncachedByDefault = !step.definition.cacheableByDefault() || inExitHandler(step.scope);
        if (uncachedByDefault && step.options.cache() == null) {
            return resolved.overriddenBy(StepOptions.NONE.withCache(CachePolicy.DISABLED));
        }
        return resolved;
    }

    /** A step of a definition that needs a GPU gets one unless it asks for more; asking for none is an error. */
    private StepOptions withRequiredGpu(NodeModel.StepModel step, StepOptions resolved) {
        if (!step.definition.requiresGpu()) {
            return resolved;
        }
        if (resolved.gpus() == null) {
            return resolved.overriddenBy(StepOptions.NONE.withGpus(1));
        }
        if (resolved.gpus() == 0) {
            throw ns.error(step.name, step.definition.getClass().getSimpleName() + " requires a GPU, but the step asks for "
                    + "gpus(0): remove gpus(0), or ask for at least one");
        }
        return resolved;
    }

    /**
     * A container step's image comes from its command, or from {@code image(...)} on the step itself; the
     * pipeline-wide image default is meant for Java steps and must not replace a tool's image.
     */
    private StepOptions containerOptions(NodeModel.StepModel step) {
        StepOptions resolved = options(step);
        return step.options.image() == null && step.options.imageFrom() == null ? resolved.withImage(null) : resolved;
    }

    /** The command of a container step, with every placeholder pointing at a port that will have a value. */
    private ContainerSpec containerSpec(NodeModel.StepModel step, ContainerComponent definition, Map<String, Expr> bindings) {
        ContainerSpec spec;
        try {
            spec = definition.containerSpec();
        } catch (IllegalArgumentException e) {
            throw new PipelineDefinitionException(ns.pipeline, step.name, "in " + definition.getClass().getSimpleName()
                    + ".command(...): " + e.getMessage(), e);
        }
        Set<String> written = new LinkedHashSet<>();
        List<ContainerSpec.Word> words = new ArrayList<>(spec.command());
        words.addAll(spec.args());
        words.addAll(spec.env().values());
        for (ContainerSpec.Word word : words) {
            for (ContainerSpec.Part part : word.parts()) {
                String input = part instanceof ContainerSpec.Part.InputValue v ? v.port()
                        : part instanceof ContainerSpec.Part.InputPath i ? i.port() : null;
                if (input != null && !bindings.containsKey(input)) {
                    throw ns.error(step.name, "the command of " + definition.getClass().getSimpleName() + " uses input '"
                            + input + "', which is optional and not bound here: bind it with .with("
                            + definition.getClass().getSimpleName() + "." + constantName(input) + ", ...) or give it a defaultValue(...)");
                }
                if (part instanceof ContainerSpec.Part.OutputPath o) {
                    written.add(o.port());
                }
            }
        }
        StepOptions options = containerOptions(step);
        for (String variable : spec.env().keySet()) {
            if (options.env().containsKey(variable) || options.secretEnv().containsKey(variable)) {
                throw ns.error(step.name, "environment variable '" + variable + "' is set both by the command of "
                        + definition.getClass().getSimpleName() + " and by env(...)/secretEnv(...) on the step or the "
                        + "pipeline's defaults; set it once");
            }
        }
        for (Output<?> output : definition.ports().outputs()) {
            if (!written.contains(output.name())) {
                throw ns.error(step.name, "output '" + output.name() + "' of " + definition.getClass().getSimpleName()
                        + " is never handed to the command, so nothing can write it: pass p.outputPath("
                        + constantName(output.name()) + ") as an argument or environment variable");
            }
        }
        return spec;
    }

    private ResourceSpec resourceSpec(NodeModel.StepModel step, ResourceComponent definition) {
        ResourceSpec spec;
        try {
            spec = definition.resourceSpec();
        } catch (IllegalArgumentException e) {
            throw new PipelineDefinitionException(ns.pipeline, step.name, "in " + definition.getClass().getSimpleName()
                    + ": " + e.getMessage(), e);
        }
        try {
            ResourceManifest.parse(spec, "step '" + step.name + "' (" + definition.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            throw new PipelineDefinitionException(ns.pipeline, step.name, e.getMessage(), e);
        }
        if (spec.deletedAtEnd() && (ns.subPipeline != null || step.scope.enclosingLoop() != null
                || inExitHandler(step.scope))) {
            throw ns.error(step.name, "an object deleted at the end of the run must be created once per run: add the "
                    + "step at the top level of the pipeline, not inside a loop, a sub-pipeline or the exit handler");
        }
        return spec;
    }

    private static boolean inExitHandler(Scope scope) {
        for (Scope s = scope; s != null; s = s.parent) {
            if (s.kind == Scope.Kind.EXIT_HANDLER) {
                return true;
            }
        }
        return false;
    }

    /**
     * A resource step's inputs, each written into a field of its manifest. Argo substitutes them into the
     * manifest as raw text, so only values that are Kubernetes object names by construction are accepted:
     * constants checked here, and names other resource steps read from their objects.
     */
    private Map<String, Expr> resourceBindings(NodeModel.StepModel step, ResourceSpec spec) {
        String definition = step.definition.getClass().getSimpleName();
        for (String bound : step.bindings.keySet()) {
            if (!spec.inputs().containsKey(bound)) {
                throw ns.error(step.name, "input '" + bound + "' is bound, but " + definition + " does not write it "
                        + "into its manifest with these settings; remove the binding or change the settings");
            }
        }
        Map<String, Expr> bindings = bindings(step);
        spec.inputs().forEach((input, field) -> {
            Expr value = bindings.get(input);
            if (value == null) {
                throw ns.error(step.name, definition + " writes input '" + input + "' into " + field + ", but it is "
                        + "not bound here: bind it with .with(" + definition + "." + constantName(input) + ", ...)");
            }
            requireObjectName(step, input, value);
        });
        return bindings;
    }

    private void requireObjectName(NodeModel.StepModel step, String input, Expr value) {
        if (value instanceof Expr.Literal literal) {
            try {
                ManifestField.requireObjectName(String.valueOf(literal.value()), "input '" + input + "'");
            } catch (IllegalArgumentException e) {
                throw new PipelineDefinitionException(ns.pipeline, step.name, e.getMessage(), e);
            }
            return;
        }
        if (value instanceof Expr.StepOutput out && producer(out) instanceof NodeModel.StepModel producer
                && producer.definition instanceof ResourceComponent resource && readsName(resource, out.port())) {
            return;
        }
        throw ns.error(step.name, "input '" + input + "' is written into a Kubernetes manifest, so it takes only "
                + "object names: a constant name, or an output another resource step reads from " + NAME_PATH
                + " (such as VolumeClaim.CLAIM_NAME); " + describe(value) + " could hold any text");
    }

    /** Whether {@code output} of {@code resource} is its object's name; a broken producer is reported at its own step. */
    private static boolean readsName(ResourceComponent resource, String output) {
        try {
            return NAME_PATH.equals(resource.resourceSpec().outputs().get(output));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String describe(Expr value) {
        if (value instanceof Expr.StepOutput out) {
            return "output '" + out.port() + "' of step '" + out.step() + "'";
        }
        if (value instanceof Expr.Param param) {
            return "parameter '" + param.name() + "'";
        }
        return "this value";
    }

    private Map<String, Expr> bindings(NodeModel.StepModel step) {
        Map<String, Expr> bindings = new LinkedHashMap<>();
        for (Input<?> input : step.definition.ports().inputs()) {
            Value<?> bound = step.bindings.get(input.name());
            if (bound != null) {
                bindings.put(input.name(), bound.expr());
            } else if (input.defaultValue().isPresent()) {
                bindings.put(input.name(), new Expr.Literal(input.type(), input.defaultValue().get()));
            } else if (!input.isOptional()) {
                throw ns.error(step.name, "input '" + input.name() + "' (" + input.type().displayName() + ") of "
                        + step.definition.getClass().getSimpleName() + " is not bound and has no default: bind it with .with("
                        + step.definition.getClass().getSimpleName() + "." + constantName(input.name()) + ", ...)"
                        + " or give the input a defaultValue(...)");
            }
        }
        return bindings;
    }

    private static String constantName(String port) {
        return port.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    /** Nodes of {@code node}'s own graph it must wait for: explicit {@code after}s and every value it reads. */
    private Set<String> dependencies(NodeModel node) {
        Set<String> deps = new LinkedHashSet<>();
        for (NodeModel target : node.after) {
            addDependency(node, node, target, deps);
        }
        collectReads(node, node, deps);
        deps.remove(node.name);
        return deps;
    }

    private void collectReads(NodeModel owner, NodeModel node, Set<String> deps) {
        List<Value<?>> reads = new ArrayList<>(node.whenOperands);
        if (node instanceof NodeModel.StepModel step) {
            reads.addAll(step.bindings.values());
            reads.addAll(step.mountReads);
        } else if (node instanceof NodeModel.LoopModel loop) {
            reads.add(loop.items);
            for (NodeModel inner : loop.body.nodes) {
                collectReads(owner, inner, deps);
                for (NodeModel target : inner.after) {
                    addDependency(owner, inner, target, deps);
                }
            }
        }
        for (Value<?> value : reads) {
            for (NodeModel producer : producers(value.expr())) {
                addDependency(owner, node, producer, deps);
            }
        }
    }

    private void addDependency(NodeModel owner, NodeModel reader, NodeModel producer, Set<String> deps) {
        NodeModel upstream = owner.graph.containing(producer);
        if (upstream == null) {
            return;
        }
        if (upstream == owner) {
            if (reader == owner && owner instanceof NodeModel.StepModel) {
                throw ns.error(owner.name, "the step reads its own output; a step can only read outputs of steps before it");
            }
            return;
        }
        deps.add(upstream.name);
    }

    /** The step a step output reads, or the loop a fan-in reads; null for any other value. */
    private NodeModel producer(Expr expr) {
        return Exprs.availability(expr, ns.nodes::get, null, (value, fallback) -> null);
    }

    /** The nodes whose results {@code expr} reads, for a value made of several. */
    private List<NodeModel> producers(Expr expr) {
        List<NodeModel> all = new ArrayList<>();
        for (Expr leaf : Exprs.leaves(expr)) {
            NodeModel producer = producer(leaf);
            if (producer != null) {
                all.add(producer);
            }
        }
        return all;
    }

    private void rejectCycles(Map<String, Set<String>> edges) {
        Map<String, Integer> state = new HashMap<>();
        for (String start : edges.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            String cycle = visit(start, edges, state, path);
            if (cycle != null) {
                throw ns.error(start, "the steps form a cycle (each waits for the next): " + cycle
                        + "; remove an after(...) or a data dependency so the steps can run in order");
            }
        }
    }

    private static String visit(String node, Map<String, Set<String>> edges, Map<String, Integer> state, Deque<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return null;
        }
        path.addLast(node);
        if (s != null && s == 1) {
            List<String> list = new ArrayList<>(path);
            int from = list.indexOf(node);
            return String.join(" -> ", list.subList(from, list.size()));
        }
        state.put(node, 1);
        for (String dep : edges.getOrDefault(node, Set.of())) {
            String cycle = visit(dep, edges, state, path);
            if (cycle != null) {
                return cycle;
            }
        }
        state.put(node, 2);
        path.removeLast();
        return null;
    }

    /**
     * The component of {@code definition}. Its ports belong to its class, so steps of one class with the same
     * version and GPU need share one spec, made once per pipeline rather than once per step.
     */
    private ComponentSpec component(Definition definition) {
        return components.computeIfAbsent(new ComponentKey(definition.getClass(), definition.version(),
                definition.requiresGpu()), k -> spec(definition));
    }

    private record ComponentKey(Class<?> type, String version, boolean requiresGpu) { }

    private static ComponentSpec spec(Definition definition) {
        return new ComponentSpec(definition.getClass().getName(), definition.version(),
                definition.ports().inputs().stream().map(PlanBuilder::port).toList(),
                definition.ports().outputs().stream()
                        .map(o -> new PortSpec(o.name(), o.type(), null, false, o.description())).toList(),
                definition instanceof Component component && component.readsSources(), definition.requiresGpu());
    }

    private static PortSpec port(Input<?> input) {
        return new PortSpec(input.name(), input.type(), input.defaultValue().orElse(null), input.isOptional(),
                input.description());
    }
}
