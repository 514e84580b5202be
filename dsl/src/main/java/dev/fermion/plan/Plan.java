package dev.fermion.plan;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated pipeline as a backend-neutral graph: what the Argo emitter compiles and the local runner
 * executes. Names are final (sanitised, unique), inputs are bound, defaults are applied, and every
 * node lists the nodes of its own graph that must finish before it.
 *
 * @param subPipelines the bodies of sub-pipelines used anywhere in this plan, keyed by {@link Node.CallNode#pipeline()}
 * @param results      the values the pipeline declares as its results
 * @param lifecycle    the run's timeout and what happens to a finished run on a cluster
 */
public record Plan(
        String name,
        String experiment,
        String description,
        String version,
        List<ParamSpec> params,
        Graph graph,
        Optional<Graph> onExit,
        StepOptions defaults,
        Optional<Schedule> schedule,
        Map<String, Graph> subPipelines,
        List<ResultSpec> results,
        Lifecycle lifecycle) {

    public Plan {
        params = List.copyOf(params);
        subPipelines = Map.copyOf(subPipelines);
        results = List.copyOf(results);
        if (lifecycle == null) {
            lifecycle = Lifecycle.NONE;
        }
    }

    /** A plan without declared results or limits on its run. */
    public Plan(
            String name,
            String experiment,
            String description,
            String version,
            List<ParamSpec> params,
            Graph graph,
            Optional<Graph> onExit,
            StepOptions defaults,
            Optional<Schedule> schedule,
            Map<String, Graph> subPipelines) {
        this(
                name,
                experiment,
                description,
                version,
                params,
                graph,
                onExit,
                defaults,
                schedule,
                subPipelines,
                List.of(),
                Lifecycle.NONE);
    }

    /** A plan without limits on its run. */
    public Plan(
            String name,
            String experiment,
            String description,
            String version,
            List<ParamSpec> params,
            Graph graph,
            Optional<Graph> onExit,
            StepOptions defaults,
            Optional<Schedule> schedule,
            Map<String, Graph> subPipelines,
            List<ResultSpec> results) {
        this(
                name,
                experiment,
                description,
                version,
                params,
                graph,
                onExit,
                defaults,
                schedule,
                subPipelines,
                results,
                Lifecycle.NONE);
    }

    public Optional<ParamSpec> param(String name) {
        return params.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * The graphs that are no loop's body: the pipeline's, the exit handler's and each sub-pipeline's, those by
     * key (the map's own order changes from one JVM to the next, and what is derived from this must not).
     */
    public List<Graph> topGraphs() {
        List<Graph> graphs = new java.util.ArrayList<>();
        graphs.add(graph);
        onExit.ifPresent(graphs::add);
        subPipelines.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> graphs.add(e.getValue()));
        return graphs;
    }

    /** Every node of the plan, of each {@linkplain #topGraphs() top graph} and the loop bodies within. */
    public List<Node> allNodes() {
        return topGraphs().stream().flatMap(g -> g.nodesWithinLoops().stream()).toList();
    }

    public Graph subPipeline(String key) {
        Graph graph = subPipelines.get(key);
        if (graph == null) {
            throw new IllegalArgumentException("Plan " + name + " has no sub-pipeline " + key);
        }
        return graph;
    }
}
