package dev.fermion.compiler.argo;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Map;

/**
 * A container, script, resource or DAG template; exactly one of {@code dag}, {@code container},
 * {@code script} and {@code resource} is set. {@code volumes} are the template's own (pod-local) volumes;
 * {@code sidecars} run next to the container or script.
 */
public record Template(
        String name,
        Inputs inputs,
        Outputs outputs,
        Metadata metadata,
        Integer parallelism,
        DagTemplate dag,
        Container container,
        Script script,
        List<Container> sidecars,
        ResourceAction resource,
        Memoize memoize,
        RetryStrategy retryStrategy,
        String activeDeadlineSeconds,
        String serviceAccountName,
        Map<String, String> nodeSelector,
        List<Toleration> tolerations,
        Affinity affinity,
        List<Volume> volumes) {

    public static Template dag(String name, Inputs inputs, Outputs outputs, Integer parallelism, DagTemplate dag) {
        return new Template(
                name,
                inputs,
                outputs,
                null,
                parallelism,
                dag,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /** A bare container template: no pod options, no caching, no retries, as the compiler's own helpers need. */
    public static Template container(String name, Inputs inputs, Container container) {
        return new Template(
                name, inputs, null, null, null, null, container, null, null, null, null, null, null, null, null, null,
                null, null);
    }
}
