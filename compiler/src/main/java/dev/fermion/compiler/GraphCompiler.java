package dev.fermion.compiler;

import dev.fermion.compiler.argo.Artifact;
import dev.fermion.compiler.argo.DagTask;
import dev.fermion.compiler.argo.DagTemplate;
import dev.fermion.compiler.argo.Inputs;
import dev.fermion.compiler.argo.Outputs;
import dev.fermion.compiler.argo.Parameter;
import dev.fermion.compiler.argo.Template;
import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.plan.PortSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles the graphs of a plan into Argo DAG templates: the pipeline body (the entrypoint), the exit
 * handler, one template per loop body and one per sub-pipeline. It walks the graphs and writes each DAG
 * template's inputs and outputs; a node's task comes from the class for its kind ({@link StepTasks},
 * {@link LoopTasks}, {@link SubPipelineTasks}), a value's reference from {@link ValueReferences}, and the exit
 * handler from {@link ExitHandler}.
 *
 * <p>Fan-in: a loop body template exports, for every value collected anywhere ({@link FanIns}), an output
 * parameter ({@code STEP__PORT} for a step's output) holding the value as written, as a JSON string. Argo
 * aggregates the outputs of a looped task into a JSON list in item order, which downstream tasks read through an
 * expression over {@code tasks['LOOP'].outputs.parameters['STEP__PORT']} that turns it into the list as written.
 *
 * <p>Recursion: a sub-pipeline that calls itself is one DAG template whose task refers to the template
 * itself, with the level as an extra input (see {@link SubPipelineTasks#recurseTasks}).
 */
final class GraphCompiler {
    private final Plan plan;
    private final TemplateNames names;
    private final ContainerTemplates containers;
    private final ContainerStepTemplates containerSteps;
    private final ResourceTemplates resources;
    private final ValueReferences refs;
    private final StepTasks steps;
    private final LoopTasks loops;
    private final SubPipelineTasks calls;
    private final ExitHandler exitHandler;
    private final RunPaths paths;
    /** Loop bodies, loop wrappers and sub-pipelines, in the order they were compiled. */
    private final List<Template> dags = new ArrayList<>();
    /** Each sub-pipeline's template by the sub-pipeline's key, compiled at its first call. */
    private final Map<String, String> subTemplates = new HashMap<>();

    /** The compiled graphs: the entrypoint's name, the exit handler's (or null) and every template. */
    record Result(String entrypoint, String onExit, List<Template> templates) {}

    GraphCompiler(
            Plan plan,
            TemplateNames names,
            ContainerTemplates containers,
            ContainerStepTemplates containerSteps,
            ResourceTemplates resources,
            CompilerOptions options) {
        this.plan = plan;
        this.names = names;
        this.containers = containers;
        this.containerSteps = containerSteps;
        this.resources = resources;
        this.refs = new ValueReferences(plan.name());
        DagTasks tasks = new DagTasks(refs);
        this.paths = new RunPaths(options.mlflow() != null);
        this.steps = new StepTasks(containers, containerSteps, resources, refs, tasks, paths);
        this.loops = new LoopTasks(refs, tasks, paths);
        this.calls = new SubPipelineTasks(plan.name(), names, options, refs, tasks, paths);
        this.exitHandler = new ExitHandler(plan, names, options, resources);
    }

    Result compile() {
        String entry = names.claim("main");
        String exit = plan.onExit().isPresent() ? names.claim("exit-handler") : null;
        List<Graph> namespace = new ArrayList<>(List.of(plan.graph()));
        plan.onExit().ifPresent(namespace::add);
        Map<String, Map<String, Expr.Collected>> collected = FanIns.of(namespace);
        Template main = dag(new GraphScope(plan.graph(), GraphScope.Kind.MAIN, null, collected), entry);
        Template declaredExit = plan.onExit()
                .map(g -> dag(new GraphScope(g, GraphScope.Kind.EXIT, null, collected), exit))
                .orElse(null);
        ExitHandler.Assembled exitTemplate = exitHandler.assemble(exit, declaredExit);
        List<Template> all = new ArrayList<>();
        all.add(main);
        if (exitTemplate.template() != null) {
            all.add(exitTemplate.template());
        }
        all.addAll(dags);
        all.addAll(containers.all());
        all.addAll(containerSteps.all());
        all.addAll(resources.all());
        if (exitTemplate.finaliser() != null) {
            all.add(exitTemplate.finaliser());
        }
        calls.recursionLimit().ifPresent(all::add);
        return new Result(entry, exitTemplate.name(), all);
    }

    private Template dag(GraphScope scope, String name) {
        List<DagTask> tasks = new ArrayList<>();
        Node.Visitor<List<DagTask>> tasksOf = new Node.Visitor<>() {
            @Override
            public List<DagTask> stepNode(Node.StepNode step) {
                return steps.stepTasks(scope, step);
            }

            @Override
            public List<DagTask> loopNode(Node.LoopNode loop) {
                return List.of(loopTask(scope, loop));
            }

            @Override
            public List<DagTask> callNode(Node.CallNode call) {
                Graph sub = plan.subPipeline(call.pipeline());
                return List.of(calls.callTask(scope, call, sub, subTemplate(call.pipeline(), sub)));
            }

            @Override
            public List<DagTask> containerNode(Node.ContainerNode container) {
                return List.of(steps.containerTask(scope, container));
            }

            @Override
            public List<DagTask> recurseNode(Node.RecurseNode recurse) {
                return calls.recurseTasks(
                        scope, recurse, plan.subPipeline(recurse.pipeline()), subTemplates.get(recurse.pipeline()));
            }

            @Override
            public List<DagTask> resourceNode(Node.ResourceNode resource) {
                return List.of(steps.resourceTask(scope, resource));
            }
        };
        for (Node node : scope.graph.nodes()) {
            tasks.addAll(node.accept(tasksOf));
        }
        List<Parameter> inParams = new ArrayList<>();
        List<Artifact> inArtifacts = new ArrayList<>();
        List<Parameter> outParams = new ArrayList<>();
        List<Artifact> outArtifacts = new ArrayList<>();
        paths.scopeInput(scope).ifPresent(inParams::add);
        if (scope.kind == GraphScope.Kind.SUB) {
            if (SubPipelineTasks.isRecursive(scope.graph)) {
                inParams.add(Parameter.declared(SubPipelineTasks.DEPTH));
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
                Ref ref = refs.resolve(scope, output.source());
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
        } else if (scope.kind == GraphScope.Kind.LOOP) {
            inParams.add(Parameter.declared(ValueReferences.itemParam(scope.loop.name())));
            // The fan-in outputs first: what they read from outside the body becomes an input like any capture.
            // Each is exported as a JSON string, so that Argo's aggregation never parses (and rewrites) a value;
            // text that may hold strings is escaped as a local run escapes it in the list.
            scope.collected.getOrDefault(scope.loop.name(), Map.of()).forEach((output, c) -> {
                String written = refs.resolve(scope, c.each()).written();
                outParams.add(Parameter.fromExpression(
                        output,
                        ValueCodec.isPlain(c.each().type())
                                ? "toJson(" + written + ")"
                                : ArgoExpressions.jsonString(written)));
            });
            scope.captures.forEach((capture, expr) -> {
                if (expr.type().isArtifact()) {
                    inArtifacts.add(Artifact.declared(capture));
                    inParams.add(Parameter.declared(ValueReferences.DIGEST + capture));
                } else {
                    inParams.add(Parameter.declared(capture));
                }
            });
        }
        return Template.dag(
                name,
                new Inputs(inParams, inArtifacts),
                new Outputs(outParams, outArtifacts),
                null,
                new DagTemplate(tasks));
    }

    /** The sub-pipeline's template, compiled at its first call with the fan-ins of its own namespace. */
    private String subTemplate(String pipeline, Graph sub) {
        String template = subTemplates.get(pipeline);
        if (template == null) {
            template = names.claim(sub.name());
            subTemplates.put(pipeline, template);
            dags.add(dag(new GraphScope(sub, GraphScope.Kind.SUB, null, FanIns.of(List.of(sub))), template));
        }
        return template;
    }

    /** Compiles the loop's body, then its task (and a parallelism wrapper) in the graph around it. */
    private DagTask loopTask(GraphScope scope, Node.LoopNode loop) {
        String bodyName = names.claim(loop.name());
        String wrapperName = loop.parallelism() > 0 ? names.claim(loop.name() + "-parallel") : null;
        GraphScope body = new GraphScope(loop.body(), GraphScope.Kind.LOOP, loop, scope.collected);
        Template bodyTemplate = dag(body, bodyName);
        dags.add(bodyTemplate);
        LoopTasks.Compiled compiled = loops.compile(scope, loop, body, bodyTemplate, wrapperName);
        if (compiled.wrapper() != null) {
            dags.add(compiled.wrapper());
        }
        return compiled.task();
    }
}
