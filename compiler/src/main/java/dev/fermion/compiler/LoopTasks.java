package dev.fermion.compiler;

import dev.fermion.compiler.argo.Arguments;
import dev.fermion.compiler.argo.Artifact;
import dev.fermion.compiler.argo.DagTask;
import dev.fermion.compiler.argo.DagTemplate;
import dev.fermion.compiler.argo.Inputs;
import dev.fermion.compiler.argo.Outputs;
import dev.fermion.compiler.argo.Parameter;
import dev.fermion.compiler.argo.Template;
import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * A loop's task over its compiled body template. A loop is a task expanded by {@code withItems} (items written
 * in the pipeline) or {@code withParam} (a JSON list known at run time) over the body template. Argo's
 * {@code parallelism} caps the running children of the template it is set on, so a loop with a cap gets a
 * wrapper DAG template holding just the expanded task, with the cap; the wrapper passes its inputs through and
 * re-exports the aggregated fan-in outputs, so the parent reads the same outputs either way.
 */
final class LoopTasks {
    /** Input of a loop's parallelism wrapper carrying the run-time item list. */
    private static final String LOOP_ITEMS = "loop__items";

    private final ValueReferences refs;
    private final DagTasks tasks;
    private final RunPaths paths;

    /** The loop's task in the graph around it and, for a loop with a cap, the wrapper template it runs (else null). */
    record Compiled(DagTask task, Template wrapper) {}

    LoopTasks(ValueReferences refs, DagTasks tasks, RunPaths paths) {
        this.refs = refs;
        this.tasks = tasks;
        this.paths = paths;
    }

    /**
     * @param scope        the graph around the loop
     * @param body         the body's scope, its captures complete since its template is compiled
     * @param bodyTemplate the body's template
     * @param wrapperName  the wrapper's template name, claimed for a loop with a cap; null without one
     */
    Compiled compile(GraphScope scope, Node.LoopNode loop, GraphScope body, Template bodyTemplate, String wrapperName) {
        String bodyName = bodyTemplate.name();
        List<String> items = null;
        String withParam = null;
        if (loop.items() instanceof Expr.Literal literal) {
            items = new ArrayList<>();
            for (Object item : (List<?>) literal.value()) {
                items.add(ValueCodec.armour(ValueCodec.encode(loop.itemType(), item)));
            }
        } else {
            withParam = refs.resolve(scope, loop.items()).items(loop.itemType());
        }
        String itemParam = ValueReferences.itemParam(loop.name());
        if (wrapperName == null) {
            List<Parameter> params = new ArrayList<>(List.of(Parameter.of(itemParam, "{{item}}")));
            paths.iteration(scope, loop).ifPresent(params::add);
            List<Artifact> artifacts = new ArrayList<>();
            body.captures.forEach(
                    (capture, expr) -> DagTasks.pass(capture, refs.resolve(scope, expr), params, artifacts));
            return new Compiled(
                    tasks.task(scope, loop, bodyName, items, withParam, new Arguments(params, artifacts)), null);
        }
        List<Parameter> innerParams = new ArrayList<>(List.of(Parameter.of(itemParam, "{{item}}")));
        paths.wrappedIteration().ifPresent(innerParams::add);
        List<Artifact> innerArtifacts = new ArrayList<>();
        List<Parameter> outerParams = new ArrayList<>();
        paths.wrapper(scope, loop).ifPresent(outerParams::add);
        List<Artifact> outerArtifacts = new ArrayList<>();
        List<Parameter> wrapperInputs = new ArrayList<>();
        paths.wrapperInput().ifPresent(wrapperInputs::add);
        List<Artifact> wrapperArtifacts = new ArrayList<>();
        body.captures.forEach((capture, expr) -> {
            Ref inside = expr.type().isArtifact() ? ValueReferences.capturedArtifact(capture) : Ref.input(capture);
            DagTasks.pass(capture, inside, innerParams, innerArtifacts);
            DagTasks.pass(capture, refs.resolve(scope, expr), outerParams, outerArtifacts);
            if (expr.type().isArtifact()) {
                wrapperArtifacts.add(Artifact.declared(capture));
                wrapperInputs.add(Parameter.declared(ValueReferences.DIGEST + capture));
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
        String inner = DagTasks.taskName(loop.name());
        List<Parameter> wrapperOutputs = bodyTemplate.outputs().parameters().stream()
                .map(o -> Parameter.fromParameter(
                        o.name(), "{{tasks." + inner + ".outputs.parameters." + o.name() + "}}"))
                .toList();
        Template wrapper = Template.dag(
                wrapperName,
                new Inputs(wrapperInputs, wrapperArtifacts),
                new Outputs(wrapperOutputs, null),
                loop.parallelism(),
                new DagTemplate(List.of(new DagTask(
                        inner,
                        bodyName,
                        null,
                        null,
                        items,
                        innerWithParam,
                        new Arguments(innerParams, innerArtifacts)))));
        return new Compiled(
                tasks.task(scope, loop, wrapperName, null, null, new Arguments(outerParams, outerArtifacts)), wrapper);
    }
}
