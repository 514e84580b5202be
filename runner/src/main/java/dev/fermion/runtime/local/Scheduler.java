package dev.fermion.runtime.local;

import dev.fermion.plan.Descriptions;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * Walks a graph as Argo's DAG controller does: a node starts once each dependency has finished, and runs only
 * if each succeeded or was skipped (else it is Omitted), no node failed before it in its top-level graph
 * (fail-fast), the pipeline's deadline has not passed and its condition holds (else it is Skipped). What a
 * node that starts does is the {@link NodeStart}'s.
 */
final class Scheduler {
    /** Runs a node whose turn has come, to its result. */
    interface NodeStart {
        CompletableFuture<NodeResult> start(Node node, Frame frame, String path);
    }

    private final RunJournal journal;
    private final Completion completion;
    private final Deadline deadline;
    private final ValueResolver values;
    private final NodeStart nodes;

    Scheduler(RunJournal journal, Completion completion, Deadline deadline, ValueResolver values, NodeStart nodes) {
        this.journal = journal;
        this.completion = completion;
        this.deadline = deadline;
        this.values = values;
        this.nodes = nodes;
    }

    /** Runs every node of {@code graph} in {@code frame}; completes when each has finished, however it ended. */
    CompletableFuture<Void> runGraph(Graph graph, Frame frame) {
        List<StepRecord> pending = new ArrayList<>();
        for (Node node : graph.nodes()) {
            pending.add(StepRecord.pending(frame.path(node.name()), node.name(), kind(node), component(node)));
        }
        journal.pending(pending);
        Map<String, CompletableFuture<NodeResult>> futures = new LinkedHashMap<>();
        // Dependencies are looked up by name for every node: a scan of the graph's list would make scheduling
        // quadratic.
        Map<String, Node> byName = new HashMap<>();
        graph.nodes().forEach(n -> byName.put(n.name(), n));
        List<CompletableFuture<NodeResult>> all = new ArrayList<>();
        for (Node node : graph.nodes()) {
            all.add(schedule(node, graph, byName, frame, futures));
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    private CompletableFuture<NodeResult> schedule(
            Node node,
            Graph graph,
            Map<String, Node> byName,
            Frame frame,
            Map<String, CompletableFuture<NodeResult>> futures) {
        CompletableFuture<NodeResult> existing = futures.get(node.name());
        if (existing != null) {
            return existing;
        }
        List<CompletableFuture<NodeResult>> deps = new ArrayList<>();
        for (String dep : node.dependencies()) {
            Node upstream = byName.get(dep);
            if (upstream == null) {
                throw new IllegalStateException("node " + node.name() + " depends on " + dep + ", which graph "
                        + graph.name() + " does not have");
            }
            deps.add(schedule(upstream, graph, byName, frame, futures));
        }
        String path = frame.path(node.name());
        CompletableFuture<NodeResult> future = CompletableFuture.allOf(deps.toArray(new CompletableFuture<?>[0]))
                .thenCompose(v -> start(node, frame, path))
                .exceptionally(t -> completion.finish(
                        frame,
                        node.name(),
                        NodeResult.of(StepStatus.ERROR, "the runner failed on " + path + ": " + rootCause(t)),
                        UnaryOperator.identity()));
        futures.put(node.name(), future);
        return future;
    }

    private CompletableFuture<NodeResult> start(Node node, Frame frame, String path) {
        for (String dep : node.dependencies()) {
            NodeResult upstream = frame.results().get(dep);
            if (upstream == null || !upstream.status().satisfiesDependents()) {
                return completion.done(
                        frame,
                        node.name(),
                        NodeResult.of(
                                StepStatus.OMITTED,
                                "not run: upstream '" + dep + "' "
                                        + (upstream == null
                                                ? "did not finish"
                                                : upstream.status().label().toLowerCase(Locale.ROOT))));
            }
        }
        if (frame.stop().get()) {
            return completion.done(
                    frame,
                    node.name(),
                    NodeResult.of(
                            StepStatus.OMITTED, "not run: another step failed, so no new steps start (fail fast)"));
        }
        if (deadline.passed()) {
            return completion.done(
                    frame, node.name(), NodeResult.of(StepStatus.FAILED, "not run: " + deadline.timedOut()));
        }
        try {
            if (node.when().isPresent() && !Conditions.holds(node.when().get(), e -> values.resolve(e, frame, path))) {
                return completion.done(
                        frame,
                        node.name(),
                        NodeResult.of(
                                StepStatus.SKIPPED,
                                "condition false: "
                                        + Descriptions.describe(node.when().get())));
            }
            return nodes.start(node, frame, path);
        } catch (ResolveException e) {
            return completion.done(frame, node.name(), NodeResult.of(StepStatus.ERROR, e.getMessage()));
        }
    }

    private static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    /** The kind a node's record has: a step of its own, a loop, or a call of a sub-pipeline. */
    private static String kind(Node node) {
        return node.accept(new Node.Visitor<>() {
            @Override
            public String stepNode(Node.StepNode step) {
                return StepRecord.STEP;
            }

            @Override
            public String loopNode(Node.LoopNode loop) {
                return StepRecord.LOOP;
            }

            @Override
            public String callNode(Node.CallNode call) {
                return StepRecord.CALL;
            }

            @Override
            public String containerNode(Node.ContainerNode container) {
                return StepRecord.STEP;
            }

            @Override
            public String recurseNode(Node.RecurseNode recurse) {
                return StepRecord.CALL;
            }

            @Override
            public String resourceNode(Node.ResourceNode resource) {
                return StepRecord.STEP;
            }
        });
    }

    /** What the node runs: a component's class, or the sub-pipeline it calls; null for a loop. */
    private static String component(Node node) {
        return node.accept(new Node.Visitor<>() {
            @Override
            public String stepNode(Node.StepNode step) {
                return step.component().className();
            }

            @Override
            public String loopNode(Node.LoopNode loop) {
                return null;
            }

            @Override
            public String callNode(Node.CallNode call) {
                return call.pipeline();
            }

            @Override
            public String containerNode(Node.ContainerNode container) {
                return container.component().className();
            }

            @Override
            public String recurseNode(Node.RecurseNode recurse) {
                return recurse.pipeline();
            }

            @Override
            public String resourceNode(Node.ResourceNode resource) {
                return resource.component().className();
            }
        });
    }
}
