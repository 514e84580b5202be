package dev.fermion.compiler;

import dev.fermion.compiler.argo.Arguments;
import dev.fermion.compiler.argo.Artifact;
import dev.fermion.compiler.argo.DagTask;
import dev.fermion.compiler.argo.DagTemplate;
import dev.fermion.compiler.argo.Inputs;
import dev.fermion.compiler.argo.Outputs;
import dev.fermion.compiler.argo.Parameter;
import dev.fermion.compiler.argo.Template;
import dev.fermion.contract.CacheKey;
import dev.fermion.contract.CompilerTasks;
import dev.fermion.contract.LaunchSpec;
import dev.fermion.contract.ValueCodec;
import dev.fermion.dsl.StepOptions;
import dev.fermion.dsl.ValueType;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Cond;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Exprs;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.plan.PortSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compiles the graphs of a plan into Argo DAG templates: the pipeline body (the entrypoint), the exit
 * handler, one template per loop body and one per sub-pipeline.
 *
 * <p>A value reaches a task as an argument. Where it comes from decides the reference:
 * parameters are always {@code {{workflow.parameters.NAME}}}; literals are written in, armoured;
 * outputs of tasks of the same DAG are {@code {{tasks.STEP.outputs...}}}; a sub-pipeline's inputs are its
 * template's inputs. A loop body is its own DAG template, so every value it reads from an enclosing graph
 * (an outer step's output, an outer loop's item, a fan-in list, a sub-pipeline input) becomes an input of
 * the body template, and the loop task passes it in. Those inputs are named by kind so they never clash:
 * {@code item__LOOP}, {@code out__STEP__PORT}, {@code all__LOOP__STEP__PORT}, {@code in__NAME}; an artifact
 * input {@code X} comes with a parameter {@code digest__X} holding its content digest (step names are
 * DNS labels without underscores, so these names are unambiguous).
 *
 * <p>Fan-in: a loop body template exports, for every value collected anywhere, an output parameter
 * ({@code STEP__PORT} for a step's output) holding the value as written, as a JSON string. Argo aggregates the
 * outputs of a looped task into a JSON list in item order, which downstream tasks read through an expression
 * over {@code tasks['LOOP'].outputs.parameters['STEP__PORT']} that turns it into the list as written.
 *
 * <p>Recursion: a sub-pipeline that calls itself is one DAG template whose task refers to the template
 * itself, with the level as an extra input (see {@link #recurseTasks}).
 */
final class GraphCompiler {
    private static final String ITEM = "item__";
    private static final String OUT = "out__";
    private static final String ALL = "all__";
    private static final String IN = "in__";
    private static final String ELSE = "else__";
    private static final String DIGEST = "digest__";
    /** Input of a loop's parallelism wrapper carrying the run-time item list. */
    private static final String LOOP_ITEMS = "loop__items";
    /** Input of a recursive sub-pipeline's template: the level of this call, 1 for the call from outside. */
    static final String DEPTH = "fermion-depth";

    /** The launcher's finishing mode, {@code StepLauncher.FINISH_TRACKING} of the runtime image. */
    private static final String FINISH_TRACKING_FLAG = "--finish-tracking";

    private final Plan plan;
    private final TemplateNames names;
    private final ContainerTemplates containers;
    private final ContainerStepTemplates containerSteps;
    private final ResourceTemplates resources;
    private final CompilerOptions options;
    private final List<Template> dags = new ArrayList<>();
    private final Map<String, String> subTemplates = new HashMap<>();
    /** The template failing a recursion at its depth limit, created with the first recursion; null without one. */
    private String recursionLimitTemplate;

    private enum Kind { MAIN, EXIT, LOOP, SUB }

    /** The compiled graphs: the entrypoint's name, the exit handler's (or null) and every template. */
    record Result(String entrypoint, String onExit, List<Template> templates) { }

    /**
     * How a parameter value travels. {@code EXACT}: in Fermion's transport form ({@link ValueCodec#armour}),
     * as literals, workflow parameters and launcher outputs are. {@code RAW}: as a tool wrote it (a container
     * or script step's output), which Argo would hand on verbatim, so it is armoured on its way to a step.
     * {@code COMPUTED}: made by an expression from other values (a fan-in list, a field, a formatted string),
     * known only as that expression of the value as written. {@code LITERAL}: written in the definition, armoured
     * as a template value and quoted as an expression.
     */
    private enum Transport { EXACT, RAW, COMPUTED, LITERAL }

    /**
     * A value as Argo sees it: a parameter, as a template reference ({@code value}) and as an expression
     * variable ({@code variable}; for a literal its quoted text; for a computed value the expression of its
     * written form, and {@code carried} the expression of its transport form when it is simpler than armouring
     * the written form), or an artifact reference with its digest parameter.
     */
    private record Ref(String value, String variable, Transport transport, boolean plain, String artifact, String digest,
                       String carried) {
        static Ref literal(String encoded) {
            return new Ref(ValueCodec.armour(encoded), ArgoExpressions.quote(encoded), Transport.LITERAL, false, null, null,
                    null);
        }

        static Ref param(String value, String variable) {
            return new Ref(value, variable, Transport.EXACT, false, null, null, null);
        }

        static Ref raw(String value, String variable) {
            return new Ref(value, variable, Transport.RAW, false, null, null, null);
        }

        /** A value computed by {@code written}, an expression evaluating to the value as written. */
        static Ref computed(String written) {
            return computed(written, null);
        }

        /** A computed value whose transport form {@code carried} computes directly; null: armour the written form. */
        static Ref computed(String written, String carried) {
            return new Ref(null, written, Transport.COMPUTED, false, null, null, carried);
        }

        static Ref artifact(String artifact, String digest) {
            return new Ref(null, null, Transport.EXACT, false, artifact, digest, null);
        }

        /** This value, known to be of {@code type}: its exact text needs no armour when the type is plain. */
        Ref of(ValueType<?> type) {
            return isArtifact() ? this : new Ref(value, variable, transport, ValueCodec.isPlain(type), artifact, digest, carried);
        }

        boolean isArtifact() {
            return artifact != null;
        }

        /**
         * The value as a task argument: always in transport form, so every template input is exact. A tool's
         * output is armoured whatever its declared type, since nothing checked what the tool wrote; a computed
         * value is armoured unless its type is plain.
         */
        String argument() {
            return switch (transport) {
                case RAW, COMPUTED -> ArgoExpressions.tag(transported());
                case EXACT, LITERAL -> value;
            };
        }

        /** An expression evaluating to the value in transport form: a DAG output's {@code valueFrom.expression}. */
        String transported() {
            return switch (transport) {
                case RAW -> ArgoExpressions.armoured(variable);
                case COMPUTED -> carried != null ? carried : plain ? variable : ArgoExpressions.armoured(variable);
                case LITERAL -> ArgoExpressions.quote(value);
                case EXACT -> variable;
            };
        }

        /** An expression evaluating to the value as it was written, before any armour. */
        String written() {
            return transport != Transport.EXACT || plain ? variable : ArgoExpressions.disarmed(variable);
        }

        /** Whether the value is a plain template reference, usable where Argo takes no expression. */
        boolean isReference() {
            return transport == Transport.EXACT && value != null;
        }

        /** The items of this list for {@code withParam}, each in transport form. */
        String items() {
            if (plain && transport == Transport.EXACT) {
                return value;
            }
            // Argo keeps each element's JSON text when it expands a list, so a plain list needs no rewriting.
            return ArgoExpressions.tag(plain && transport == Transport.COMPUTED ? variable : ArgoExpressions.itemList(written()));
        }
    }

    /** One graph being compiled, with what it reads from outside (loop bodies only). */
    private static final class Scope {
        final Graph graph;
        /** The graph's nodes by name: every value a step reads is looked up here, so it must not be a list scan. */
        final Map<String, Node> nodes;
        final Kind kind;
        final Node.LoopNode loop;
        /** Per loop name of this namespace: the collected (step, port) pairs, by output name. */
        final Map<String, Map<String, Expr.Collected>> collected;
        final Map<String, Expr> captures = new LinkedHashMap<>();

        Scope(Graph graph, Kind kind, Node.LoopNode loop, Map<String, Map<String, Expr.Collected>> collected) {
            this.graph = graph;
            this.nodes = new HashMap<>();
            graph.nodes().forEach(n -> nodes.put(n.name(), n));
            this.kind = kind;
            this.loop = loop;
            this.collected = collected;
        }
    }

    GraphCompiler(Plan plan, TemplateNames names, ContainerTemplates containers, ContainerStepTemplates containerSteps,
                  ResourceTemplates resources, CompilerOptions options) {
        this.plan = plan;
        this.names = names;
        this.containers = containers;
        this.containerSteps = containerSteps;
        this.resources = resources;
        this.options = options;
    }

    Result compile() {
        String entry = names.claim("main");
        String exit = plan.onExit().isPresent() ? names.claim("exit-handler") : null;
        Map<String, Map<String, Expr.Collected>> collected = new HashMap<>();
        scanCollected(plan.graph(), collected);
        plan.onExit().ifPresent(g -> scanCollected(g, collected));
        Template main = dag(new Scope(plan.graph(), Kind.MAIN, null, collected), entry);
        Template exitTemplate = plan.onExit()
                .map(g -> dag(new Scope(g, Kind.EXIT, null, collected), exit)).orElse(null);
        List<DagTask> cleanups = new ArrayList<>(resources.cleanupTasks());
        Template finaliser = null;
        if (options.mlflow() != null) {
            finaliser = trackingFinaliser(names.claim("finish-tracking"));
            cleanups.add(new DagTask(CompilerTasks.FINISH_TRACKING, finaliser.name(), null, null, null, null, null));
        }
        String exitName = exit;
        if (!cleanups.isEmpty()) {
            List<DagTask> tasks = new ArrayList<>();
            if (exitTemplate == null) {
                exitName = names.claim("exit-handler");
            } else {
                tasks.addAll(exitTemplate.dag().tasks());
            }
            tasks.addAll(cleanups);
            exitTemplate = Template.dag(exitName, exitTemplate == null ? null : exitTemplate.inputs(),
                    exitTemplate == null ? null : exitTemplate.outputs(), null, new DagTemplate(tasks));
        }
        List<Template> all = new ArrayList<>();
        all.add(main);
        if (exitTemplate != null) {
            all.add(exitTemplate);
        }
        all.addAll(dags);
        all.addAll(containers.all());
        all.addAll(containerSteps.all());
        all.addAll(resources.all());
        if (finaliser != null) {
            all.add(finaliser);
        }
        if (recursionLimitTemplate != null) {
            all.add(recursionLimit(recursionLimitTemplate));
        }
        return new Result(entry, exitName, all);
    }

    /**
     * The exit handler's step that ends the workflow's MLflow parent run: only the exit handler knows how
     * the whole workflow ended. It runs the launcher of the runtime image in its finishing mode.
     */
    private Template trackingFinaliser(String name) {
        Container container = new ContainerBuilder()
                .withImage(options.image(false))
                .withCommand(LaunchSpec.COMMAND)
                .withArgs(FINISH_TRACKING_FLAG, plan.name(), "{{workflow.status}}")
                .withEnv(options.mlflow().env(ArgoCompiler.experiment(plan)))
                .withSecurityContext(ContainerTemplates.containerSecurity())
                .build();
        return new Template(name, null, null, null, null, null, container, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    private Template dag(Scope scope, String name) {
        List<DagTask> tasks = new ArrayList<>();
        Node.Visitor<List<DagTask>> tasksOf = new Node.Visitor<>() {
            @Override
            public List<DagTask> stepNode(Node.StepNode step) {
                return stepTasks(scope, step);
            }

            @Override
            public List<DagTask> loopNode(Node.LoopNode loop) {
                return List.of(loopTask(scope, loop));
            }

            @Override
            public List<DagTask> callNode(Node.CallNode call) {
                return List.of(callTask(scope, call));
            }

            @Override
            public List<DagTask> containerNode(Node.ContainerNode container) {
                return List.of(containerTask(scope, container));
            }

            @Override
            public List<DagTask> recurseNode(Node.RecurseNode recurse) {
                return recurseTasks(scope, recurse);
            }

            @Override
            public List<DagTask> resourceNode(Node.ResourceNode resource) {
                return List.of(resourceTask(scope, resource));
            }
        };
        for (Node node : scope.graph.nodes()) {
            tasks.addAll(node.accept(tasksOf));
        }
        List<Parameter> inParams = new ArrayList<>();
        List<Artifact> inArtifacts = new ArrayList<>();
        List<Parameter> outParams = new ArrayList<>();
        List<Artifact> outArtifacts = new ArrayList<>();
        if (scope.kind == Kind.SUB) {
            if (isRecursive(scope.graph)) {
                inParams.add(Parameter.declared(DEPTH));
            }
            for (PortSpec port : scope.graph.inputs()) {
                if (port.isArtifact()) {
                    inArtifacts.add(Artifact.declared(port.name()));
                    inParams.add(Parameter.declared(ContainerTemplates.digestParam(port.name())));
                } else {
                    inParams.add(Parameter.declared(port.name()));
                }
            }
            for (Graph.GraphOutput output : scope.graph.outputs()) {
                Ref ref = resolve(scope, output.source());
                if (ref.isArtifact()) {
                    outArtifacts.add(Artifact.from(output.name(), ref.artifact()));
                    outParams.add(Parameter.fromParameter(ContainerTemplates.digestParam(output.name()), ref.digest()));
                } else if (ref.isReference()) {
                    outParams.add(Parameter.fromParameter(output.name(), ref.value()));
                } else {
                    // Argo resolves a DAG output's parameter reference without its expression functions, so
                    // anything but a plain reference is an expression output.
                    outParams.add(Parameter.fromExpression(output.name(), ref.transported()));
                }
            }
        } else if (scope.kind == Kind.LOOP) {
            inParams.add(Parameter.declared(itemParam(scope.loop.name())));
            // The fan-in outputs first: what they read from outside the body becomes an input like any capture.
            // Each is exported as a JSON string, so that Argo's aggregation never parses (and rewrites) a value.
            scope.collected.getOrDefault(scope.loop.name(), Map.of()).forEach((output, c) -> outParams.add(
                    Parameter.fromExpression(output, "toJson(" + resolve(scope, c.each()).written() + ")")));
            scope.captures.forEach((capture, expr) -> {
                if (expr.type().isArtifact()) {
                    inArtifacts.add(Artifact.declared(capture));
                    inParams.add(Parameter.declared(DIGEST + capture));
                } else {
                    inParams.add(Parameter.declared(capture));
                }
            });
        }
        return Template.dag(name, new Inputs(inParams, inArtifacts), new Outputs(outParams, outArtifacts), null,
                new DagTemplate(tasks));
    }

    /**
     * A Java step's task and, for a cached step that reads sources outside the pipeline, the task before it
     * that digests them: Argo computes a memoize key before it starts a pod, so the digest must come from a
     * pod of its own, under the same condition and after the same tasks as the step.
     */
    private List<DagTask> stepTasks(Scope scope, Node.StepNode step) {
        Template template = containers.templateFor(step);
        Arguments arguments = inputArguments(scope, step.component(), step.bindings(), step.options(),
                List.of(Parameter.of(ContainerTemplates.STEP_PARAM, step.name())));
        if (!ContainerTemplates.digestsSources(step)) {
            return List.of(task(scope, step, template.name(), null, null, arguments));
        }
        String sourceTask = taskName(step.name()) + CompilerTasks.SOURCE_DIGEST_SUFFIX;
        DagTask stepTask = task(scope, step, template.name(), null, null, new Arguments(concat(arguments.parameters(),
                Parameter.of(ContainerTemplates.SOURCE_PARAM, "{{tasks." + sourceTask + ".outputs.parameters."
                        + ContainerTemplates.SOURCE_PARAM + "}}")), arguments.artifacts()));
        List<String> deps = new ArrayList<>(stepTask.dependencies() == null ? List.of() : stepTask.dependencies());
        Map<String, Expr> values = new TreeMap<>();
        step.bindings().forEach((port, value) -> {
            if (!value.type().isArtifact()) {
                values.put(port, value);
            }
        });
        DagTask digest = new DagTask(sourceTask, containers.sourceTemplateFor(step).name(),
                deps.isEmpty() ? null : List.copyOf(deps),
                stepTask.when(), null, null, inputArguments(scope, step.component(), values, step.options(),
                        List.of(Parameter.of(ContainerTemplates.STEP_PARAM, step.name()))));
        deps.add(sourceTask);
        return List.of(digest, new DagTask(stepTask.name(), stepTask.template(), deps, stepTask.when(), null, null,
                stepTask.arguments()));
    }

    private static List<Parameter> concat(List<Parameter> params, Parameter extra) {
        List<Parameter> all = new ArrayList<>(params);
        all.add(extra);
        return all;
    }

    /**
     * A task's arguments for a step's bound inputs: values as parameters in transport form, artifacts from
     * their producers plus, for cached steps, their digests (memoize keys on them).
     */
    private Arguments inputArguments(Scope scope, ComponentSpec component, Map<String, Expr> bindings,
                                     StepOptions options, List<Parameter> leading) {
        List<Parameter> params = new ArrayList<>(leading);
        List<Artifact> artifacts = new ArrayList<>();
        for (PortSpec port : component.inputs()) {
            Expr bound = bindings.get(port.name());
            if (bound == null) {
                continue;
            }
            if (bound instanceof Expr.Inline inline) {
                params.add(Parameter.of(ContainerTemplates.inlineParam(port.name()), java.util.Base64.getEncoder()
                        .encodeToString(inline.file().content().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
                if (options.cachingEnabled()) {
                    params.add(Parameter.of(ContainerTemplates.digestParam(port.name()), inline.file().digest()));
                }
                continue;
            }
            Ref ref = resolve(scope, bound);
            if (ref.isArtifact()) {
                artifacts.add(Artifact.from(port.name(), ref.artifact()));
                if (options.cachingEnabled()) {
                    params.add(Parameter.of(ContainerTemplates.digestParam(port.name()), ref.digest()));
                }
            } else {
                params.add(Parameter.of(port.name(), ref.argument()));
            }
        }
        claimArguments(scope, options, params);
        return new Arguments(params, artifacts);
    }

    private DagTask callTask(Scope scope, Node.CallNode call) {
        Graph sub = plan.subPipeline(call.pipeline());
        String template = subTemplates.get(call.pipeline());
        if (template == null) {
            template = names.claim(sub.name());
            subTemplates.put(call.pipeline(), template);
            Map<String, Map<String, Expr.Collected>> collected = new HashMap<>();
            scanCollected(sub, collected);
            dags.add(dag(new Scope(sub, Kind.SUB, null, collected), template));
        }
        List<Parameter> params = new ArrayList<>();
        List<Artifact> artifacts = new ArrayList<>();
        for (PortSpec port : sub.inputs()) {
            Expr bound = call.bindings().get(port.name());
            if (bound == null) {
                throw new IllegalArgumentException("Step '" + call.name() + "' leaves input '" + port.name()
                        + "' of sub-pipeline " + sub.name() + " unbound; on Argo every sub-pipeline input needs a "
                        + "value: bind it, or give the input a default value");
            }
            Ref ref = resolve(scope, bound);
            if (ref.isArtifact()) {
                artifacts.add(Artifact.from(port.name(), ref.artifact()));
                params.add(Parameter.of(ContainerTemplates.digestParam(port.name()), ref.digest()));
            } else {
                params.add(Parameter.of(port.name(), ref.argument()));
            }
        }
        if (isRecursive(sub)) {
            params.add(Parameter.of(DEPTH, "1"));
        }
        return task(scope, call, template, null, null, new Arguments(params, artifacts));
    }

    /**
     * The values the step's settings read at run time, as template inputs: the names of claims it mounts (its
     * volumes read them) and its image.
     */
    private void claimArguments(Scope scope, StepOptions options, List<Parameter> params) {
        for (var claim : PodResources.runtimeClaims(options)) {
            Ref ref = resolve(scope, claim.claimName());
            params.add(Parameter.of(claim.volumeName(), ref.argument()));
        }
        if (options.imageFrom() != null) {
            params.add(Parameter.of(ContainerTemplates.IMAGE_PARAM, resolve(scope, options.imageFrom()).argument()));
        }
    }

    /** A Kubernetes-resource step; its arguments are the object names its manifest takes. */
    private DagTask resourceTask(Scope scope, Node.ResourceNode step) {
        Template template = resources.templateFor(step);
        Arguments arguments = step.bindings().isEmpty() ? null : inputArguments(scope, step.component(),
                step.bindings(), step.options(), List.of());
        return task(scope, step, template.name(), null, null, arguments);
    }

    /** A step running an image or a script; its ports are passed like a Java step's, without the step name. */
    private DagTask containerTask(Scope scope, Node.ContainerNode step) {
        Template template = containerSteps.templateFor(step);
        Arguments arguments = inputArguments(scope, step.component(), step.bindings(), step.options(), List.of());
        return task(scope, step, template.name(), null, null, arguments);
    }

    /**
     * A sub-pipeline calling its own DAG template again. Its template takes the level as the input
     * {@value #DEPTH} (1 from outside); the recursive task passes the level plus one and runs only below
     * the maximum depth. At the maximum, a second task with the same condition fails the run with a message
     * naming the step, so a runaway recursion never ends silently.
     */
    private List<DagTask> recurseTasks(Scope scope, Node.RecurseNode node) {
        Graph sub = plan.subPipeline(node.pipeline());
        String template = subTemplates.get(node.pipeline());
        if (template == null || scope.kind != Kind.SUB) {
            throw new IllegalStateException("Plan " + plan.name() + ": step '" + node.name() + "' recurses outside "
                    + "its sub-pipeline; the DSL should have rejected this");
        }
        List<Parameter> params = new ArrayList<>();
        List<Artifact> artifacts = new ArrayList<>();
        for (PortSpec port : sub.inputs()) {
            Expr bound = node.bindings().get(port.name());
            if (bound == null) {
                throw new IllegalArgumentException("Step '" + node.name() + "' leaves input '" + port.name()
                        + "' of sub-pipeline " + sub.name() + " unbound; on Argo every sub-pipeline input needs a "
                        + "value: bind it, or give the input a default value");
            }
            pass(port.name(), resolve(scope, bound), params, artifacts, true);
        }
        String depth = "asInt(" + ArgoExpressions.input(DEPTH) + ")";
        params.add(Parameter.of(DEPTH, ArgoExpressions.tag(depth + " + 1")));
        String condition = node.when().map(c -> "(" + when(scope, node, c) + ") && ").orElse("");
        List<String> deps = node.dependencies().stream().sorted().map(GraphCompiler::taskName).toList();
        if (recursionLimitTemplate == null) {
            recursionLimitTemplate = names.claim("fermion-recursion-limit");
        }
        String message = "pipeline '" + plan.name() + "', step '" + node.name() + "' of sub-pipeline '" + sub.name()
                + "': the recursion reached its maximum depth of " + node.maxDepth() + " levels and its condition "
                + "still holds; raise the limit with dag.recurse(name, this, maxDepth) or make the condition stop earlier";
        return List.of(
                new DagTask(taskName(node.name()), template, deps,
                        ArgoExpressions.tag(condition + depth + " < " + node.maxDepth()), null, null,
                        new Arguments(params, artifacts)),
                new DagTask(taskName(node.name()) + CompilerTasks.DEPTH_EXCEEDED_SUFFIX, recursionLimitTemplate, deps,
                        ArgoExpressions.tag(condition + depth + " >= " + node.maxDepth()), null, null,
                        new Arguments(List.of(Parameter.of("message", ValueCodec.armour(message))), null)));
    }

    /** Fails with its {@code message} input; run by the runtime image's shell, the message an argv element. */
    private Template recursionLimit(String name) {
        Container container = new ContainerBuilder()
                .withImage(options.image(false))
                .withCommand("sh", "-c", "echo \"$1\" >&2; exit 1", "fermion-recursion-limit",
                        "{{inputs.parameters.message}}")
                .withSecurityContext(ContainerTemplates.containerSecurity())
                .build();
        return new Template(name, new Inputs(List.of(Parameter.declared("message")), null), null, null, null, null,
                container, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static boolean isRecursive(Graph graph) {
        return graph.nodes().stream().anyMatch(n -> n instanceof Node.RecurseNode);
    }

    /**
     * A loop is a task expanded by {@code withItems} (items written in the pipeline) or {@code withParam}
     * (a JSON list known at run time) over the body template. Argo's {@code parallelism} caps the running
     * children of the template it is set on, so a loop with a cap gets a wrapper DAG template holding just
     * the expanded task, with the cap; the wrapper passes its inputs through and re-exports the aggregated
     * fan-in outputs, so the parent reads the same outputs either way.
     */
    private DagTask loopTask(Scope scope, Node.LoopNode loop) {
        String bodyName = names.claim(loop.name());
        String wrapperName = loop.parallelism() > 0 ? names.claim(loop.name() + "-parallel") : null;
        Scope body = new Scope(loop.body(), Kind.LOOP, loop, scope.collected);
        Template bodyTemplate = dag(body, bodyName);
        dags.add(bodyTemplate);
        List<String> items = null;
        String withParam = null;
        if (loop.items() instanceof Expr.Literal literal) {
            items = new ArrayList<>();
            for (Object item : (List<?>) literal.value()) {
                items.add(ValueCodec.armour(ValueCodec.encode(loop.itemType(), item)));
            }
        } else {
            withParam = resolve(scope, loop.items()).items();
        }
        String itemParam = itemParam(loop.name());
        if (wrapperName == null) {
            List<Parameter> params = new ArrayList<>(List.of(Parameter.of(itemParam, "{{item}}")));
            List<Artifact> artifacts = new ArrayList<>();
            body.captures.forEach((capture, expr) -> pass(capture, resolve(scope, expr), params, artifacts));
            return task(scope, loop, bodyName, items, withParam, new Arguments(params, artifacts));
        }
        List<Parameter> innerParams = new ArrayList<>(List.of(Parameter.of(itemParam, "{{item}}")));
        List<Artifact> innerArtifacts = new ArrayList<>();
        List<Parameter> outerParams = new ArrayList<>();
        List<Artifact> outerArtifacts = new ArrayList<>();
        List<Parameter> wrapperInputs = new ArrayList<>();
        List<Artifact> wrapperArtifacts = new ArrayList<>();
        body.captures.forEach((capture, expr) -> {
            Ref inside = expr.type().isArtifact()
                    ? Ref.artifact("{{inputs.artifacts." + capture + "}}", "{{inputs.parameters." + DIGEST + capture + "}}")
                    : input(capture);
            pass(capture, inside, innerParams, innerArtifacts);
            pass(capture, resolve(scope, expr), outerParams, outerArtifacts);
            if (expr.type().isArtifact()) {
                wrapperArtifacts.add(Artifact.declared(capture));
                wrapperInputs.add(Parameter.declared(DIGEST + capture));
            } else {
                wrapperInputs.add(Parameter.declared(capture));
            }
        });
        String innerWithParam = null;
        if (withParam != null) {
            wrapperInputs.add(Parameter.declared(LOOP_ITEMS));
            outerParams.add(Parameter.of(LOOP_ITEMS, withParam));
            innerWithParam = "{{inputs.parameters." + LOOP_ITEMS + "}}";
        }
        String inner = taskName(loop.name());
        List<Parameter> wrapperOutputs = bodyTemplate.outputs().parameters().stream()
                .map(o -> Parameter.fromParameter(o.name(), "{{tasks." + inner + ".outputs.parameters." + o.name() + "}}"))
                .toList();
        dags.add(Template.dag(wrapperName, new Inputs(wrapperInputs, wrapperArtifacts), new Outputs(wrapperOutputs, null),
                loop.parallelism(), new DagTemplate(List.of(new DagTask(inner, bodyName, null, null, items, innerWithParam,
                        new Arguments(innerParams, innerArtifacts))))));
        return task(scope, loop, wrapperName, null, null, new Arguments(outerParams, outerArtifacts));
    }

    /** Adds a value as the argument {@code name}: a parameter, or an artifact plus its digest parameter. */
    private static void pass(String name, Ref ref, List<Parameter> params, List<Artifact> artifacts) {
        pass(name, ref, params, artifacts, false);
    }

    /** {@code portDigest}: the digest travels as {@code NAME-digest}, the name sub-pipeline templates use. */
    private static void pass(String name, Ref ref, List<Parameter> params, List<Artifact> artifacts, boolean portDigest) {
        if (ref.isArtifact()) {
            artifacts.add(Artifact.from(name, ref.artifact()));
            params.add(Parameter.of(portDigest ? ContainerTemplates.digestParam(name) : DIGEST + name, ref.digest()));
        } else {
            params.add(Parameter.of(name, ref.argument()));
        }
    }

    private DagTask task(Scope scope, Node node, String template, List<String> items, String withParam, Arguments args) {
        List<String> deps = node.dependencies().stream().sorted().map(GraphCompiler::taskName).toList();
        String when = node.when().map(c -> ArgoExpressions.tag(when(scope, node, c))).orElse(null);
        return new DagTask(taskName(node.name()), template, deps, when, items, withParam, args);
    }

    /** The condition as an expression: values are variables in it, never text pasted into it. */
    private String when(Scope scope, Node node, Cond cond) {
        return new WhenExpressions(e -> {
            Ref ref = resolve(scope, e);
            if (ref.isArtifact()) {
                throw new IllegalArgumentException("Step '" + node.name() + "': a condition cannot read an artifact");
            }
            return ref.written();
        }, node.name()).render(cond);
    }

    /** Node names are DNS labels; Argo additionally refuses task names that start with a digit. */
    static String taskName(String node) {
        return Character.isDigit(node.charAt(0)) ? "t-" + node : node;
    }

    private Ref resolve(Scope scope, Expr expr) {
        return reference(scope, expr).of(expr.type());
    }

    private Ref reference(Scope scope, Expr expr) {
        return expr.accept(new Expr.Visitor<>() {
            @Override
            public Ref literal(Expr.Literal literal) {
                return Ref.literal(ValueCodec.encode(literal.type(), literal.value()));
            }

            @Override
            public Ref inline(Expr.Inline inline) {
                throw new IllegalStateException("Plan " + plan.name() + " reads a constant file in graph " + scope.graph.name()
                        + " other than as a step's input; the DSL should have rejected this");
            }

            @Override
            public Ref param(Expr.Param param) {
                // Fermion writes workflow parameters in transport form, at compile and at submit time.
                return Ref.param("{{workflow.parameters." + param.name() + "}}",
                        ArgoExpressions.workflowParameter(param.name()));
            }

            @Override
            public Ref workflowStatus(Expr.WorkflowStatus status) {
                return Ref.param("{{workflow.status}}", "workflow.status");
            }

            @Override
            public Ref orElse(Expr.OrElse orElse) {
                if (scope.kind == Kind.LOOP && !producedHere(scope, orElse.value())) {
                    // Decided in the graph around the loop, which passes the result in.
                    return captured(scope, orElse, ELSE + CacheKey.sha256(orElse.toString()).substring(0, 12));
                }
                // Both sides are exact in their transport form, so choosing between those is the choice's transport form.
                String available = available(scope, orElse.value());
                Ref value = resolve(scope, orElse.value());
                Ref fallback = resolve(scope, orElse.fallback());
                return Ref.computed("(" + available + " ? " + value.written() + " : " + fallback.written() + ")",
                        "(" + available + " ? " + value.transported() + " : " + fallback.transported() + ")");
            }

            @Override
            public Ref field(Expr.Field field) {
                return Ref.computed(ArgoExpressions.field(resolve(scope, field.of()).written(), field.name(), field.type()));
            }

            @Override
            public Ref listOf(Expr.ListOf list) {
                List<String> elements = new ArrayList<>();
                list.elements().forEach(e -> elements.add(ArgoExpressions.jsonElement(e.type(), resolve(scope, e).written())));
                return Ref.computed("'[' + " + String.join(" + ',' + ", elements) + " + ']'");
            }

            @Override
            public Ref mapOf(Expr.MapOf map) {
                List<String> entries = new ArrayList<>();
                map.entries().forEach((key, e) -> entries.add(ArgoExpressions.quote(ValueCodec.json(key) + ":") + " + "
                        + ArgoExpressions.jsonElement(e.type(), resolve(scope, e).written())));
                return Ref.computed(ArgoExpressions.quote("{") + " + " + String.join(" + ',' + ", entries) + " + "
                        + ArgoExpressions.quote("}"));
            }

            @Override
            public Ref format(Expr.Format format) {
                StringBuilder text = new StringBuilder(ArgoExpressions.quote(format.texts().get(0)));
                for (int i = 0; i < format.args().size(); i++) {
                    text.append(" + ").append(resolve(scope, format.args().get(i)).written())
                            .append(" + ").append(ArgoExpressions.quote(format.texts().get(i + 1)));
                }
                return Ref.computed(text.toString());
            }

            @Override
            public Ref stepOutput(Expr.StepOutput stepOutput) {
                return GraphCompiler.this.stepOutput(scope, stepOutput);
            }

            @Override
            public Ref loopItem(Expr.LoopItem loopItem) {
                return GraphCompiler.this.loopItem(scope, loopItem);
            }

            @Override
            public Ref collected(Expr.Collected collected) {
                return GraphCompiler.this.collected(scope, collected);
            }

            @Override
            public Ref graphInput(Expr.GraphInput graphInput) {
                return GraphCompiler.this.graphInput(scope, graphInput);
            }
        });
    }

    /**
     * A value read where it is not computed: in a loop body, a value from outside the body arrives as an input of the
     * body's template named {@code capture}, which the graph around the loop passes in.
     */
    private Ref captured(Scope scope, Expr expr, String capture) {
        if (scope.kind != Kind.LOOP) {
            throw new IllegalStateException("Plan " + plan.name() + " reads " + expr + " in graph " + scope.graph.name()
                    + ", where it is not visible; the DSL should have rejected this");
        }
        scope.captures.putIfAbsent(capture, expr);
        if (expr.type().isArtifact()) {
            return Ref.artifact("{{inputs.artifacts." + capture + "}}", "{{inputs.parameters." + DIGEST + capture + "}}");
        }
        return input(capture);
    }

    private Ref stepOutput(Scope scope, Expr.StepOutput out) {
        if (!scope.nodes.containsKey(out.step())) {
            return captured(scope, out, OUT + out.step() + "__" + out.port());
        }
        String task = taskName(out.step());
        String prefix = "{{tasks." + task + ".outputs.";
        if (out.type().isArtifact()) {
            return Ref.artifact(prefix + "artifacts." + out.port() + "}}",
                    prefix + "parameters." + ContainerTemplates.digestParam(out.port()) + "}}");
        }
        String value = prefix + "parameters." + out.port() + "}}";
        String variable = ArgoExpressions.taskOutput(task, out.port());
        // A script or container step writes its outputs itself, unarmoured: raw, where Java steps' are exact.
        boolean tool = scope.nodes.get(out.step()) instanceof Node.ContainerNode;
        return tool ? Ref.raw(value, variable) : Ref.param(value, variable);
    }

    private Ref collected(Scope scope, Expr.Collected c) {
        if (!scope.nodes.containsKey(c.loop())) {
            return captured(scope, c, ALL + c.loop() + "__" + collectedName(c));
        }
        return Ref.computed(ArgoExpressions.collectedList(c.type().elementType(),
                ArgoExpressions.taskOutput(taskName(c.loop()), collectedName(c))));
    }

    private Ref loopItem(Scope scope, Expr.LoopItem item) {
        String name = itemParam(item.loop());
        return scope.kind == Kind.LOOP && scope.loop.name().equals(item.loop()) ? input(name) : captured(scope, item, name);
    }

    private Ref graphInput(Scope scope, Expr.GraphInput in) {
        if (scope.kind != Kind.SUB) {
            return captured(scope, in, IN + in.name());
        }
        if (in.type().isArtifact()) {
            return Ref.artifact("{{inputs.artifacts." + in.name() + "}}",
                    "{{inputs.parameters." + ContainerTemplates.digestParam(in.name()) + "}}");
        }
        return input(in.name());
    }

    /** The template input a loop body's current item arrives in. */
    private static String itemParam(String loop) {
        return ITEM + loop;
    }

    /**
     * An expression that holds when {@code expr}, the value side of an {@code orElse}, is there: its step or
     * loop succeeded (Argo marks a task whose condition is false Skipped), or for a nested orElse either side is.
     */
    private String available(Scope scope, Expr expr) {
        return Exprs.availability(expr, node -> {
            if (!scope.nodes.containsKey(node)) {
                throw new IllegalStateException("Plan " + plan.name() + " falls back from " + expr + " in graph "
                        + scope.graph.name() + ", which does not run it; the DSL should have rejected this");
            }
            return "tasks[" + ArgoExpressions.quote(taskName(node)) + "].status == 'Succeeded'";
        }, "true", (value, fallback) -> "(" + value + " || " + fallback + ")");
    }

    /** Whether the nodes deciding whether {@code expr} is there are nodes of this graph. */
    private static boolean producedHere(Scope scope, Expr expr) {
        return Exprs.availability(expr, scope.nodes::containsKey, true, (value, fallback) -> value && fallback);
    }

    /** An input parameter of the template: exact, since every argument is passed in transport form. */
    private static Ref input(String name) {
        return Ref.param("{{inputs.parameters." + name + "}}", ArgoExpressions.input(name));
    }

    /** The output a loop body exports for a fan-in: {@code STEP__PORT} for a step's output. */
    private static String collectedName(Expr.Collected c) {
        if (c.each() instanceof Expr.StepOutput out) {
            return out.step() + "__" + out.port();
        }
        return ELSE + CacheKey.sha256(c.each().toString()).substring(0, 12);
    }

    /** Finds every fan-in read of one namespace, so each loop body exports exactly what is collected. */
    private static void scanCollected(Graph graph, Map<String, Map<String, Expr.Collected>> into) {
        Node.Visitor<Void> reads = new Node.Visitor<>() {
            @Override
            public Void stepNode(Node.StepNode step) {
                step.bindings().values().forEach(e -> scanExpr(e, into));
                if (step.options().imageFrom() != null) {
                    scanExpr(step.options().imageFrom(), into);
                }
                return null;
            }

            @Override
            public Void loopNode(Node.LoopNode loop) {
                scanExpr(loop.items(), into);
                scanCollected(loop.body(), into);
                return null;
            }

            @Override
            public Void callNode(Node.CallNode call) {
                call.bindings().values().forEach(e -> scanExpr(e, into));
                return null;
            }

            @Override
            public Void containerNode(Node.ContainerNode container) {
                container.bindings().values().forEach(e -> scanExpr(e, into));
                if (container.options().imageFrom() != null) {
                    scanExpr(container.options().imageFrom(), into);
                }
                return null;
            }

            @Override
            public Void recurseNode(Node.RecurseNode recurse) {
                recurse.bindings().values().forEach(e -> scanExpr(e, into));
                return null;
            }

            @Override
            public Void resourceNode(Node.ResourceNode resource) {
                resource.bindings().values().forEach(e -> scanExpr(e, into));
                return null;
            }
        };
        for (Node node : graph.nodes()) {
            node.when().ifPresent(c -> scanCond(c, into));
            node.accept(reads);
        }
        graph.outputs().forEach(o -> scanExpr(o.source(), into));
    }

    private static void scanCond(Cond cond, Map<String, Map<String, Expr.Collected>> into) {
        cond.accept(new Cond.Visitor<Void>() {
            @Override
            public Void compare(Cond.Compare c) {
                scanExpr(c.left(), into);
                scanExpr(c.right(), into);
                return null;
            }

            @Override
            public Void isTrue(Cond.IsTrue t) {
                scanExpr(t.value(), into);
                return null;
            }

            @Override
            public Void all(Cond.All all) {
                all.terms().forEach(t -> scanCond(t, into));
                return null;
            }

            @Override
            public Void any(Cond.Any any) {
                any.terms().forEach(t -> scanCond(t, into));
                return null;
            }

            @Override
            public Void not(Cond.Not not) {
                scanCond(not.term(), into);
                return null;
            }
        });
    }

    private static void scanExpr(Expr expr, Map<String, Map<String, Expr.Collected>> into) {
        for (Expr leaf : Exprs.leaves(expr)) {
            if (leaf instanceof Expr.Collected c) {
                into.computeIfAbsent(c.loop(), k -> new TreeMap<>()).put(collectedName(c), c);
            }
        }
    }
}
