package dev.fermion.dsl;

import dev.fermion.plan.CachePolicy;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Cond;
import dev.fermion.plan.ContainerSpec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Names;
import dev.fermion.plan.Node;
import dev.fermion.plan.ParamSpec;
import dev.fermion.plan.Plan;
import dev.fermion.plan.PortSpec;
import dev.fermion.plan.ResourceSpec;
import dev.fermion.plan.ResultSpec;
import dev.fermion.plan.Schedule;
import dev.fermion.plan.StepOptions;
import dev.fermion.plan.VolumeMount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a finished definition and turns it into an immutable {@link Plan}.
 *
 * <p>Kept in one class, though long, because validation and construction are one pass: each check runs where
 * the node it checks is built, so an error names the step, the port and the fix from the context at hand, and
 * no plan is ever built that a later check would have refused.
 */
final class PlanBuilder {
    private final Namespace ns;
    private final StepOptions defaults;
    private final Dependencies dependencies;
    private final ResourceSteps resourceSteps;
    private final Map<ComponentKey, ComponentSpec> components = new HashMap<>();

    private PlanBuilder(Namespace ns, StepOptions defaults) {
        this.ns = ns;
        this.defaults = defaults;
        this.dependencies = new Dependencies(ns);
        this.resourceSteps = new ResourceSteps(ns, dependencies);
    }

    static Plan build(Namespace ns, Pipeline.Builder meta) {
        ns.frozen = true;
        StepOptions defaults = ns.shared.defaults;
        PlanBuilder builder = new PlanBuilder(ns, defaults);
        Optional<Schedule> schedule = Optional.ofNullable(meta.schedule).map(s -> Cron.validate(ns.pipeline, s));
        List<ParamSpec> params = ns.params.stream()
                .map(p -> new ParamSpec(
                        p.name(), p.type(), ns.paramDefaults.get(p.name()), ns.paramDescriptions.get(p.name())))
                .toList();
        if (schedule.isPresent()) {
            params.stream().filter(ParamSpec::required).findFirst().ifPresent(p -> {
                throw ns.error(
                        null,
                        "scheduled pipelines run unattended, so parameter '" + p.name() + "' needs a default value");
            });
        }
        Graph main = builder.graph(ns.mainGraph, List.of(), List.of());
        Optional<Graph> exit = Optional.ofNullable(ns.exitGraph).map(g -> builder.graph(g, List.of(), List.of()));
        requireOneVolumePerName(ns.pipeline, main, exit, ns.shared.subPipelines.values());
        List<ResultSpec> results = ns.results.entrySet().stream()
                .map(e -> new ResultSpec(e.getKey(), e.getValue().expr()))
                .toList();
        return new Plan(
                ns.pipeline,
                meta.experiment == null ? ns.pipeline : meta.experiment,
                meta.description == null ? "" : meta.description,
                meta.version == null ? "1" : meta.version,
                params,
                main,
                exit,
                defaults,
                schedule,
                ns.shared.subPipelines,
                results,
                meta.lifecycle);
    }

    /**
     * A workflow declares each volume once, so two steps naming one emptyDir volume must set it up alike; other
     * volumes are named after what they mount.
     */
    private static void requireOneVolumePerName(
            String pipeline, Graph main, Optional<Graph> exit, java.util.Collection<Graph> subs) {
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
                        if (other != null
                                && (other.memory() != dir.memory()
                                        || !java.util.Objects.equals(other.sizeLimit(), dir.sizeLimit()))) {
                            throw new PipelineDefinitionException(
                                    pipeline,
                                    node.name(),
                                    "emptyDir volume '" + dir.name()
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
            throw parent.error(
                    step,
                    "sub-pipeline " + sub.getClass().getSimpleName() + " uses itself; "
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
            List<PortSpec> inputs =
                    sub.ports().inputs().stream().map(PlanBuilder::port).toList();
            List<Graph.GraphOutput> outputs = new ArrayList<>();
            for (Output<?> output : sub.ports().outputs()) {
                Value<?> value = ns.outputs.get(output.name());
                if (value == null) {
                    throw parent.error(
                            step,
                            "sub-pipeline " + sub.getClass().getSimpleName() + " never sets output '" + output.name()
                                    + "': call dag.output("
                                    + output.name()
                                            .toUpperCase(java.util.Locale.ROOT)
                                            .replace('-', '_') + ", ...) in define()");
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
            Set<String> deps = dependencies.of(node);
            edges.put(node.name, deps);
            Optional<Cond> when = Optional.ofNullable(node.when);
            nodes.add(node(node, deps, when));
        }
        dependencies.rejectCycles(edges);
        return new Graph(model.name, nodes, inputs, outputs);
    }

    private Node node(NodeModel node, Set<String> deps, Optional<Cond> when) {
        if (node instanceof NodeModel.LoopModel loop) {
            return new Node.LoopNode(
                    loop.name,
                    loop.items.expr(),
                    loop.itemType,
                    loop.parallelism,
                    graph(loop.body, List.of(), List.of()),
                    deps,
                    when);
        }
        NodeModel.StepModel step = (NodeModel.StepModel) node;
        if (step.maxDepth > 0) {
            requireSubInputs(step);
            return new Node.RecurseNode(
                    step.name, step.definition.getClass().getName(), bindings(step), step.maxDepth, deps, when);
        }
        if (step.definition instanceof ContainerComponent container) {
            Map<String, Expr> bindings = bindings(step);
            return new Node.ContainerNode(
                    step.name,
                    component(step.definition),
                    containerSpec(step, container, bindings),
                    bindings,
                    containerOptions(step),
                    deps,
                    when);
        }
        if (step.definition instanceof ResourceComponent resource) {
            ResourceSpec spec = resourceSteps.spec(step, resource);
            return new Node.ResourceNode(
                    step.name,
                    component(step.definition),
                    spec,
                    resourceBindings(step, spec),
                    containerOptions(step),
                    deps,
                    when);
        }
        if (step.definition instanceof SubPipeline) {
            requireSubInputs(step);
            return new Node.CallNode(step.name, step.definition.getClass().getName(), bindings(step), deps, when);
        }
        return new Node.StepNode(step.name, component(step.definition), bindings(step), options(step), deps, when);
    }

    /** On Argo a sub-pipeline's template takes every input, so an optional one needs a value here too. */
    private void requireSubInputs(NodeModel.StepModel step) {
        for (Input<?> input : step.definition.ports().inputs()) {
            if (input.isOptional() && !step.bindings.containsKey(input.name())) {
                String definition = step.definition.getClass().getSimpleName();
                throw ns.error(
                        step.name,
                        "input '" + input.name() + "' of sub-pipeline " + definition + " is optional and "
                                + "not bound here, but every sub-pipeline input needs a value: bind it with .with("
                                + definition + "."
                                + constantName(input.name()) + ", ...) or give it a defaultValue(...)");
            }
        }
    }

    /**
     * The step's settings over the pipeline defaults. Three kinds of step are not cached unless they ask:
     * those that are not {@link Definition#cacheableByDefault()}; exit-handler steps, which report on this
     * run's outcome and must not replay an earlier run's report; and steps that mount a claim writable,
     * whose effect may be what they write there, which a cache hit does not replay (a claim provisioned
     * by this run would stay empty).
     */
    private StepOptions options(NodeModel.StepModel step) {
        StepOptions resolved = withRequiredGpu(step, defaults.overriddenBy(step.options));
        boolean uncachedByDefault = !step.definition.cacheableByDefault()
                || inExitHandler(step.scope)
                || resolved.volumes().stream().anyMatch(PlanBuilder::writableClaim);
        if (uncachedByDefault && step.options.cache() == null) {
            return resolved.overriddenBy(StepOptions.NONE.withCache(CachePolicy.DISABLED));
        }
        return resolved;
    }

    private static boolean writableClaim(VolumeMount mount) {
        return !mount.readOnly()
                && mount.accept(new VolumeMount.Visitor<Boolean>() {
                    @Override
                    public Boolean persistentClaim(VolumeMount.PersistentClaim claim) {
                        return true;
                    }

                    @Override
                    public Boolean secret(VolumeMount.SecretVolume secret) {
                        return false;
                    }

                    @Override
                    public Boolean configMap(VolumeMount.ConfigMapVolume configMap) {
                        return false;
                    }

                    @Override
                    public Boolean emptyDir(VolumeMount.EmptyDir emptyDir) {
                        return false;
                    }

                    @Override
                    public Boolean claimFromValue(VolumeMount.ClaimFromValue claim) {
                        return true;
                    }
                });
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
            throw ns.error(
                    step.name,
                    step.definition.getClass().getSimpleName() + " requires a GPU, but the step asks for "
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
    private ContainerSpec containerSpec(
            NodeModel.StepModel step, ContainerComponent definition, Map<String, Expr> bindings) {
        ContainerSpec spec;
        try {
            spec = definition.containerSpec();
        } catch (IllegalArgumentException e) {
            throw new PipelineDefinitionException(
                    ns.pipeline,
                    step.name,
                    "in " + definition.getClass().getSimpleName() + ".command(...): " + e.getMessage(),
                    e);
        }
        Set<String> written = new LinkedHashSet<>();
        List<ContainerSpec.Word> words = new ArrayList<>(spec.command());
        words.addAll(spec.args());
        words.addAll(spec.env().values());
        for (ContainerSpec.Word word : words) {
            for (ContainerSpec.Part part : word.parts()) {
                String input = part instanceof ContainerSpec.Part.InputValue v
                        ? v.port()
                        : part instanceof ContainerSpec.Part.InputPath i ? i.port() : null;
                if (input != null && !bindings.containsKey(input)) {
                    throw ns.error(
                            step.name,
                            "the command of " + definition.getClass().getSimpleName() + " uses input '"
                                    + input + "', which is optional and not bound here: bind it with .with("
                                    + definition.getClass().getSimpleName() + "." + constantName(input)
                                    + ", ...) or give it a defaultValue(...)");
                }
                if (part instanceof ContainerSpec.Part.OutputPath o) {
                    written.add(o.port());
                }
            }
        }
        StepOptions options = containerOptions(step);
        for (String variable : spec.env().keySet()) {
            if (options.env().containsKey(variable) || options.secretEnv().containsKey(variable)) {
                throw ns.error(
                        step.name,
                        "environment variable '" + variable + "' is set both by the command of "
                                + definition.getClass().getSimpleName()
                                + " and by env(...)/secretEnv(...) on the step or the "
                                + "pipeline's defaults; set it once");
            }
        }
        for (Output<?> output : definition.ports().outputs()) {
            if (!written.contains(output.name())) {
                throw ns.error(
                        step.name,
                        "output '" + output.name() + "' of "
                                + definition.getClass().getSimpleName()
                                + " is never handed to the command, so nothing can write it: pass p.outputPath("
                                + constantName(output.name()) + ") as an argument or environment variable");
            }
        }
        return spec;
    }

    static boolean inExitHandler(Scope scope) {
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
     * constants and names other resource steps read from their objects, as {@link ResourceSteps} checks.
     */
    private Map<String, Expr> resourceBindings(NodeModel.StepModel step, ResourceSpec spec) {
        resourceSteps.requireWritten(step, spec);
        Map<String, Expr> bindings = bindings(step);
        resourceSteps.requireObjectNames(step, spec, bindings);
        return bindings;
    }

    private Map<String, Expr> bindings(NodeModel.StepModel step) {
        Map<String, Expr> bindings = new LinkedHashMap<>();
        for (Input<?> input : step.definition.ports().inputs()) {
            Value<?> bound = step.bindings.get(input.name());
            if (bound != null) {
                bindings.put(input.name(), bound.expr());
            } else if (input.defaultValue().isPresent()) {
                bindings.put(
                        input.name(),
                        new Expr.Literal(input.type(), input.defaultValue().get()));
            } else if (!input.isOptional()) {
                throw ns.error(
                        step.name,
                        "input '" + input.name() + "' (" + input.type().displayName() + ") of "
                                + step.definition.getClass().getSimpleName()
                                + " is not bound and has no default: bind it with .with("
                                + step.definition.getClass().getSimpleName() + "." + constantName(input.name())
                                + ", ...)"
                                + " or give the input a defaultValue(...)");
            }
        }
        return bindings;
    }

    static String constantName(String port) {
        return port.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    /**
     * The component of {@code definition}. Its ports belong to its class, so steps of one class with the same
     * version and GPU need share one spec, made once per pipeline rather than once per step.
     */
    private ComponentSpec component(Definition definition) {
        return components.computeIfAbsent(
                new ComponentKey(definition.getClass(), definition.version(), definition.requiresGpu()),
                k -> spec(definition));
    }

    private record ComponentKey(Class<?> type, String version, boolean requiresGpu) {}

    private static ComponentSpec spec(Definition definition) {
        return new ComponentSpec(
                definition.getClass().getName(),
                definition.version(),
                definition.ports().inputs().stream().map(PlanBuilder::port).toList(),
                definition.ports().outputs().stream()
                        .map(o -> new PortSpec(o.name(), o.type(), null, false, o.description()))
                        .toList(),
                definition instanceof Component component && component.readsSources(),
                definition.requiresGpu());
    }

    private static PortSpec port(Input<?> input) {
        return new PortSpec(
                input.name(), input.type(), input.defaultValue().orElse(null), input.isOptional(), input.description());
    }
}
