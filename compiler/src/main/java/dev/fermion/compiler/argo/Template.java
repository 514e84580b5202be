package dev.fermion.compiler.argo;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.List;
import java.util.Map;

/** A container template or a DAG template; exactly one of {@code container} and {@code dag} is set. */
public record Template(
        String name,
        Inputs inputs,
        Outputs outputs,
        Metadata metadata,
        Integer parallelism,
        DagTemplate dag,
        Container container,
        Memoize memoize,
        RetryStrategy retryStrategy,
        String activeDeadlineSeconds,
        String serviceAccountName,
        Map<String, String> nodeSelector,
        List<Toleration> tolerations,
        Affinity affinity) {

    public static Template dag(String name, Inputs inputs, Outputs outputs, Integer parallelism, DagTemplate dag) {
        return new Template(name, inputs, outputs, null, parallelism, dag, null, null, null, null, null, null, null,
                null);
    }
}
