package dev.fermion.compiler;

import dev.fermion.compiler.argo.Arguments;
import dev.fermion.compiler.argo.Artifact;
import dev.fermion.compiler.argo.DagTask;
import dev.fermion.compiler.argo.Parameter;
import dev.fermion.plan.Cond;
import dev.fermion.plan.Node;
import java.util.List;

/**
 * What every node's DAG task has, whatever it runs: its name, the tasks it waits for, its {@code when}
 * condition and the way a value is passed to it as an argument.
 */
final class DagTasks {
    private final ValueReferences refs;

    DagTasks(ValueReferences refs) {
        this.refs = refs;
    }

    /** Node names are DNS labels; Argo additionally refuses task names that start with a digit. */
    static String taskName(String node) {
        return Character.isDigit(node.charAt(0)) ? "t-" + node : node;
    }

    /** The tasks {@code node} waits for, in a stable order. */
    static List<String> dependencies(Node node) {
        return node.dependencies().stream().sorted().map(DagTasks::taskName).toList();
    }

    /** {@code node}'s task running {@code template}, expanded over {@code items} or {@code withParam} when set. */
    DagTask task(GraphScope scope, Node node, String template, List<String> items, String withParam, Arguments args) {
        String when =
                node.when().map(c -> ArgoExpressions.tag(when(scope, node, c))).orElse(null);
        return new DagTask(taskName(node.name()), template, dependencies(node), when, items, withParam, args);
    }

    /** The condition as an expression: values are variables in it, never text pasted into it. */
    String when(GraphScope scope, Node node, Cond cond) {
        return new WhenExpressions(
                        e -> {
                            Ref ref = refs.resolve(scope, e);
                            if (ref.isArtifact()) {
                                throw new IllegalArgumentException(
                                        "Step '" + node.name() + "': a condition cannot read an artifact");
                            }
                            return ref.written();
                        },
                        node.name())
                .render(cond);
    }

    /** Adds a value as the argument {@code name}: a parameter, or an artifact plus its digest parameter. */
    static void pass(String name, Ref ref, List<Parameter> params, List<Artifact> artifacts) {
        pass(name, ref, params, artifacts, false);
    }

    /** {@code portDigest}: the digest travels as {@code NAME-digest}, the name sub-pipeline templates use. */
    static void pass(String name, Ref ref, List<Parameter> params, List<Artifact> artifacts, boolean portDigest) {
        if (ref.isArtifact()) {
            artifacts.add(Artifact.from(name, ref.artifact()));
            params.add(Parameter.of(
                    portDigest ? ContainerTemplates.digestParam(name) : ValueReferences.DIGEST + name, ref.digest()));
        } else {
            params.add(Parameter.of(name, ref.argument()));
        }
    }
}
