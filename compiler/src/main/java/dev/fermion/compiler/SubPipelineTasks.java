package dev.fermion.compiler;

import dev.fermion.compiler.argo.Arguments;
import dev.fermion.compiler.argo.Artifact;
import dev.fermion.compiler.argo.DagTask;
import dev.fermion.compiler.argo.Inputs;
import dev.fermion.compiler.argo.Parameter;
import dev.fermion.compiler.argo.Template;
import dev.fermion.contract.CompilerTasks;
import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.plan.PortSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tasks that run a sub-pipeline's DAG template: a call from another graph, and a recursion, the
 * sub-pipeline calling its own template again with the level as an extra input.
 */
final class SubPipelineTasks {
    /** Input of a recursive sub-pipeline's template: the level of this call, 1 for the call from outside. */
    static final String DEPTH = "fermion-depth";

    private final String plan;
    private final TemplateNames names;
    private final CompilerOptions options;
    private final ValueReferences refs;
    private final DagTasks tasks;
    private final RunPaths paths;
    /** The template failing a recursion at its depth limit, created with the first recursion; null without one. */
    private String recursionLimitTemplate;

    SubPipelineTasks(
            String plan,
            TemplateNames names,
            CompilerOptions options,
            ValueReferences refs,
            DagTasks tasks,
            RunPaths paths) {
        this.paths = paths;
        this.plan = plan;
        this.names = names;
        this.options = options;
        this.refs = refs;
        this.tasks = tasks;
    }

    static boolean isRecursive(Graph graph) {
        return graph.nodes().stream().anyMatch(n -> n instanceof Node.RecurseNode);
    }

    /** A call of {@code sub}, whose template is {@code template}: every input bound, a recursion starting at level 1. */
    DagTask callTask(GraphScope scope, Node.CallNode call, Graph sub, String template) {
        List<Parameter> params = new ArrayList<>();
        List<Artifact> artifacts = new ArrayList<>();
        passInputs(scope, call, sub, params, artifacts);
        paths.call(scope, call).ifPresent(params::add);
        if (isRecursive(sub)) {
            params.add(Parameter.of(DEPTH, "1"));
        }
        return tasks.task(scope, call, template, null, null, new Arguments(params, artifacts));
    }

    /**
     * A sub-pipeline calling its own DAG template again. Its template takes the level as the input
     * {@value #DEPTH} (1 from outside); the recursive task passes the level plus one and runs only below
     * the maximum depth. At the maximum, a second task with the same condition fails the run with a message
     * naming the step, so a runaway recursion never ends silently.
     *
     * @param template the sub-pipeline's template; null when the recursion is not inside its sub-pipeline
     */
    List<DagTask> recurseTasks(GraphScope scope, Node.RecurseNode node, Graph sub, String template) {
        if (template == null || scope.kind != GraphScope.Kind.SUB) {
            throw new IllegalStateException("Plan " + plan + ": step '" + node.name() + "' recurses outside "
                    + "its sub-pipeline; the DSL should have rejected this");
        }
        List<Parameter> params = new ArrayList<>();
        List<Artifact> artifacts = new ArrayList<>();
        passInputs(scope, node, sub, params, artifacts);
        paths.call(scope, node).ifPresent(params::add);
        String depth = "asInt(" + ArgoExpressions.input(DEPTH) + ")";
        params.add(Parameter.of(DEPTH, ArgoExpressions.tag(depth + " + 1")));
        String condition =
                node.when().map(c -> "(" + tasks.when(scope, node, c) + ") && ").orElse("");
        List<String> deps = DagTasks.dependencies(node);
        if (recursionLimitTemplate == null) {
            recursionLimitTemplate = names.claim("fermion-recursion-limit");
        }
        String message = "pipeline '" + plan + "', step '" + node.name() + "' of sub-pipeline '" + sub.name()
                + "': the recursion reached its maximum depth of " + node.maxDepth() + " levels and its condition "
                + "still holds; raise the limit with dag.recurse(name, this, maxDepth) or make the condition stop earlier";
        return List.of(
                new DagTask(
                        DagTasks.taskName(node.name()),
                        template,
                        deps,
                        ArgoExpressions.tag(condition + depth + " < " + node.maxDepth()),
                        null,
                        null,
                        new Arguments(params, artifacts)),
                new DagTask(
                        DagTasks.taskName(node.name()) + CompilerTasks.DEPTH_EXCEEDED_SUFFIX,
                        recursionLimitTemplate,
                        deps,
                        ArgoExpressions.tag(condition + depth + " >= " + node.maxDepth()),
                        null,
                        null,
                        new Arguments(List.of(Parameter.of("message", ValueCodec.armour(message))), null)));
    }

    /** The template the depth-limit tasks run, once a recursion was compiled. */
    Optional<Template> recursionLimit() {
        return Optional.ofNullable(recursionLimitTemplate).map(this::recursionLimit);
    }

    /** Passes every input of {@code sub} from the node's bindings: Argo needs a value for each template input. */
    private void passInputs(GraphScope scope, Node node, Graph sub, List<Parameter> params, List<Artifact> artifacts) {
        Map<String, Expr> bindings = node.bindings();
        for (PortSpec port : sub.inputs()) {
            Expr bound = bindings.get(port.name());
            if (bound == null) {
                throw new IllegalArgumentException("Step '" + node.name() + "' leaves input '" + port.name()
                        + "' of sub-pipeline " + sub.name() + " unbound; on Argo every sub-pipeline input needs a "
                        + "value: bind it, or give the input a default value");
            }
            DagTasks.pass(port.name(), refs.resolve(scope, bound), params, artifacts, true);
        }
    }

    /** Fails with its {@code message} input; run by the runtime image's shell, the message an argv element. */
    private Template recursionLimit(String name) {
        Container container = new ContainerBuilder()
                .withImage(options.image(false))
                .withCommand(
                        "sh",
                        "-c",
                        "echo \"$1\" >&2; exit 1",
                        "fermion-recursion-limit",
                        "{{inputs.parameters.message}}")
                .withSecurityContext(ContainerTemplates.containerSecurity())
                .build();
        return Template.container(name, new Inputs(List.of(Parameter.declared("message")), null), container);
    }
}
