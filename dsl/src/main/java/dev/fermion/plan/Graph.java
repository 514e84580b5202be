package dev.fermion.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A set of nodes that run as one DAG: the pipeline's body, a loop's body, a sub-pipeline's body or the
 * exit handler. {@code inputs} and {@code outputs} are set for sub-pipeline bodies only.
 */
public record Graph(String name, List<Node> nodes, List<PortSpec> inputs, List<GraphOutput> outputs) {

    public Graph {
        nodes = List.copyOf(nodes);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public Optional<Node> node(String nodeName) {
        return nodes.stream().filter(n -> n.name().equals(nodeName)).findFirst();
    }

    /**
     * Every node of this graph and of the loop bodies within it, depth first (a loop, then its body's nodes),
     * for the questions asked of all steps alike: which mount volumes, which ask for GPUs, which run sidecars.
     */
    public List<Node> nodesWithinLoops() {
        List<Node> all = new ArrayList<>();
        addWithinLoops(this, all);
        return all;
    }

    private static void addWithinLoops(Graph graph, List<Node> into) {
        for (Node node : graph.nodes) {
            into.add(node);
            node.loopBody().ifPresent(body -> addWithinLoops(body, into));
        }
    }

    /** An output of a sub-pipeline body: the value of {@code source} when the body has finished. */
    public record GraphOutput(String name, dev.fermion.types.ValueType<?> type, Expr source) {}
}
