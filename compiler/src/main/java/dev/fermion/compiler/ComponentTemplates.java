package dev.fermion.compiler;

import dev.fermion.compiler.argo.Arguments;
import dev.fermion.compiler.argo.Artifact;
import dev.fermion.compiler.argo.DagTask;
import dev.fermion.compiler.argo.DagTemplate;
import dev.fermion.compiler.argo.Inputs;
import dev.fermion.compiler.argo.Outputs;
import dev.fermion.compiler.argo.Parameter;
import dev.fermion.compiler.argo.Template;
import dev.fermion.plan.ComponentSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One template per distinct configuration of a component, named after the component the first time the
 * configuration is seen: steps that differ only in their bound values share a template, which keeps
 * workflows with many steps far below Argo's object size limit.
 *
 * <p>A step that is both cached and retried becomes two templates: Argo (v4.0.5 and earlier) cannot go on
 * past a cache hit of a template that also has a {@code retryStrategy}: the hit is a Retry node without
 * children, which the DAG's traversal never passes, so the tasks after it are never reached and the
 * workflow stays Running for good. The step's template is then a memoized DAG template with the step's
 * inputs and outputs and one task, {@value #RETRIED_TASK}, which runs the pod template with the retries; a
 * cache hit is then a DAG node, which Argo traverses.
 *
 * @param <K> what makes two steps' templates differ
 */
final class ComponentTemplates<K> {
    /** The task of a memoized wrapper that runs the retried pod template. */
    static final String RETRIED_TASK = ArgoCompiler.RETRIED_TASK;

    private final TemplateNames names;
    private final String suffix;
    private final Map<K, Template> byKey = new LinkedHashMap<>();
    private final List<Template> all = new ArrayList<>();

    ComponentTemplates(TemplateNames names) {
        this(names, "");
    }

    /** Templates named after the component plus {@code suffix}, for a second kind of template per configuration. */
    ComponentTemplates(TemplateNames names, String suffix) {
        this.names = names;
        this.suffix = suffix;
    }

    Template get(K key, ComponentSpec component, Function<String, Template> build) {
        Template existing = byKey.get(key);
        if (existing != null) {
            return existing;
        }
        String simpleName = component.simpleName();
        Template created = build.apply(names.claim(simpleName.substring(simpleName.lastIndexOf('.') + 1) + suffix));
        if (created.memoize() != null && created.retryStrategy() != null) {
            Template retried = withoutMemoize(created, names.claim(created.name() + "-retried"));
            created = memoizedCall(created, retried.name());
            all.add(created);
            all.add(retried);
        } else {
            all.add(created);
        }
        byKey.put(key, created);
        return created;
    }

    List<Template> all() {
        return List.copyOf(all);
    }

    private static Template withoutMemoize(Template t, String name) {
        return new Template(
                name,
                t.inputs(),
                t.outputs(),
                t.metadata(),
                t.parallelism(),
                t.dag(),
                t.container(),
                t.script(),
                t.sidecars(),
                t.resource(),
                null,
                t.retryStrategy(),
                t.activeDeadlineSeconds(),
                t.serviceAccountName(),
                t.nodeSelector(),
                t.tolerations(),
                t.affinity(),
                t.volumes());
    }

    /** The memoized DAG template that passes its inputs to {@code retried} and hands its outputs on. */
    private static Template memoizedCall(Template t, String retried) {
        List<Parameter> inParams = new ArrayList<>();
        List<Parameter> args = new ArrayList<>();
        for (Parameter p : list(t.inputs() == null ? null : t.inputs().parameters())) {
            inParams.add(Parameter.declared(p.name()));
            args.add(Parameter.of(p.name(), "{{inputs.parameters." + p.name() + "}}"));
        }
        List<Artifact> inArtifacts = new ArrayList<>();
        List<Artifact> argArtifacts = new ArrayList<>();
        for (Artifact a : list(t.inputs() == null ? null : t.inputs().artifacts())) {
            if (a.raw() != null) {
                // an inline file: the retried template carries its content, and the caller has nothing to supply
                continue;
            }
            inArtifacts.add(Artifact.declared(a.name()));
            argArtifacts.add(Artifact.from(a.name(), "{{inputs.artifacts." + a.name() + "}}"));
        }
        String task = "{{tasks." + RETRIED_TASK + ".outputs.";
        List<Parameter> outParams = list(
                        t.outputs() == null ? null : t.outputs().parameters())
                .stream()
                // a global output too: on a cache hit only this template's outputs are restored
                .map(p -> Parameter.fromParameter(p.name(), task + "parameters." + p.name() + "}}")
                        .withGlobalName(p.globalName()))
                .toList();
        List<Artifact> outArtifacts = list(
                        t.outputs() == null ? null : t.outputs().artifacts())
                .stream()
                .map(a -> Artifact.from(a.name(), task + "artifacts." + a.name() + "}}"))
                .toList();
        DagTask call = new DagTask(
                RETRIED_TASK,
                retried,
                null,
                null,
                null,
                null,
                new Arguments(args, argArtifacts.isEmpty() ? null : argArtifacts));
        return new Template(
                t.name(),
                new Inputs(inParams, inArtifacts.isEmpty() ? null : inArtifacts),
                new Outputs(outParams.isEmpty() ? null : outParams, outArtifacts.isEmpty() ? null : outArtifacts),
                null,
                null,
                new DagTemplate(List.of(call)),
                null,
                null,
                null,
                null,
                t.memoize(),
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
