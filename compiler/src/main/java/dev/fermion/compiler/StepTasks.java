package dev.fermion.compiler;

import dev.fermion.compiler.argo.Arguments;
import dev.fermion.compiler.argo.Artifact;
import dev.fermion.compiler.argo.DagTask;
import dev.fermion.compiler.argo.Parameter;
import dev.fermion.compiler.argo.Template;
import dev.fermion.contract.CompilerTasks;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Node;
import dev.fermion.plan.PortSpec;
import dev.fermion.plan.StepOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tasks of the nodes that run a pod of their own, Java steps, tool containers and Kubernetes resources:
 * each gets its template from its template factory and its bound inputs as arguments.
 */
final class StepTasks {
    private final ContainerTemplates containers;
    private final ContainerStepTemplates containerSteps;
    private final ResourceTemplates resources;
    private final ValueReferences refs;
    private final DagTasks tasks;
    private final RunPaths paths;

    StepTasks(
            ContainerTemplates containers,
            ContainerStepTemplates containerSteps,
            ResourceTemplates resources,
            ValueReferences refs,
            DagTasks tasks,
            RunPaths paths) {
        this.paths = paths;
        this.containers = containers;
        this.containerSteps = containerSteps;
        this.resources = resources;
        this.refs = refs;
        this.tasks = tasks;
    }

    /**
     * A Java step's task and, for a cached step that reads sources outside the pipeline, the task before it
     * that digests them: Argo computes a memoize key before it starts a pod, so the digest must come from a
     * pod of its own, under the same condition and after the same tasks as the step.
     */
    List<DagTask> stepTasks(GraphScope scope, Node.StepNode step) {
        Template template = containers.templateFor(step);
        List<Parameter> leading = new ArrayList<>(List.of(Parameter.of(ContainerTemplates.STEP_PARAM, step.name())));
        paths.step(scope, step).ifPresent(leading::add);
        Arguments arguments = inputArguments(scope, step.component(), step.bindings(), step.options(), leading);
        if (!ContainerTemplates.digestsSources(step)) {
            return List.of(tasks.task(scope, step, template.name(), null, null, arguments));
        }
        String sourceTask = DagTasks.taskName(step.name()) + CompilerTasks.SOURCE_DIGEST_SUFFIX;
        DagTask stepTask = tasks.task(
                scope,
                step,
                template.name(),
                null,
                null,
                new Arguments(
                        concat(
                                arguments.parameters(),
                                Parameter.of(
                                        ContainerTemplates.SOURCE_PARAM,
                                        "{{tasks." + sourceTask + ".outputs.parameters."
                                                + ContainerTemplates.SOURCE_PARAM + "}}")),
                        arguments.artifacts()));
        List<String> deps = new ArrayList<>(stepTask.dependencies() == null ? List.of() : stepTask.dependencies());
        Map<String, Expr> values = new TreeMap<>();
        step.bindings().forEach((port, value) -> {
            if (!value.type().isArtifact()) {
                values.put(port, value);
            }
        });
        DagTask digest = new DagTask(
                sourceTask,
                containers.sourceTemplateFor(step).name(),
                deps.isEmpty() ? null : List.copyOf(deps),
                stepTask.when(),
                null,
                null,
                inputArguments(
                        scope,
                        step.component(),
                        values,
                        step.options(),
                        List.of(Parameter.of(ContainerTemplates.STEP_PARAM, step.name()))));
        deps.add(sourceTask);
        return List.of(
                digest,
                new DagTask(
                        stepTask.name(), stepTask.template(), deps, stepTask.when(), null, null, stepTask.arguments()));
    }

    /** A step running an image or a script; its ports are passed like a Java step's, without the step name. */
    DagTask containerTask(GraphScope scope, Node.ContainerNode step) {
        Template template = containerSteps.templateFor(step);
        Arguments arguments = inputArguments(scope, step.component(), step.bindings(), step.options(), List.of());
        return tasks.task(scope, step, template.name(), null, null, arguments);
    }

    /** A Kubernetes-resource step; its arguments are the object names its manifest takes. */
    DagTask resourceTask(GraphScope scope, Node.ResourceNode step) {
        Template template = resources.templateFor(step);
        Arguments arguments = step.bindings().isEmpty()
                ? null
                : inputArguments(scope, step.component(), step.bindings(), step.options(), List.of());
        return tasks.task(scope, step, template.name(), null, null, arguments);
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
    private Arguments inputArguments(
            GraphScope scope,
            ComponentSpec component,
            Map<String, Expr> bindings,
            StepOptions options,
            List<Parameter> leading) {
        List<Parameter> params = new ArrayList<>(leading);
        List<Artifact> artifacts = new ArrayList<>();
        for (PortSpec port : component.inputs()) {
            Expr bound = bindings.get(port.name());
            if (bound == null) {
                continue;
            }
            if (bound instanceof Expr.Inline inline) {
                params.add(Parameter.of(
                        ContainerTemplates.inlineParam(port.name()),
                        Base64.getEncoder()
                                .encodeToString(inline.file().content().getBytes(StandardCharsets.UTF_8))));
                if (options.cachingEnabled()) {
                    params.add(Parameter.of(
                            ContainerTemplates.digestParam(port.name()),
                            inline.file().digest()));
                }
                continue;
            }
            Ref ref = refs.resolve(scope, bound);
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

    /**
     * The values the step's settings read at run time, as template inputs: the names of claims it mounts (its
     * volumes read them) and its image.
     */
    private void claimArguments(GraphScope scope, StepOptions options, List<Parameter> params) {
        for (var claim : PodResources.runtimeClaims(options)) {
            Ref ref = refs.resolve(scope, claim.claimName());
            params.add(Parameter.of(claim.volumeName(), ref.argument()));
        }
        if (options.imageFrom() != null) {
            params.add(Parameter.of(
                    ContainerTemplates.IMAGE_PARAM,
                    refs.resolve(scope, options.imageFrom()).argument()));
        }
    }
}
