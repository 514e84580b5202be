package dev.fermion.runtime.local;

import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.plan.PortSpec;
import dev.fermion.types.ValueType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The nodes that run other graphs: a loop runs its body once per item in a frame of its own, at most its
 * parallelism at a time, and a sub-pipeline call or recursion runs the sub-pipeline in a child frame whose
 * declared outputs become the call's.
 */
final class Expansions {
    private final Plan plan;
    private final Scheduler scheduler;
    private final RunJournal journal;
    private final Completion completion;
    private final ValueResolver values;

    Expansions(Plan plan, Scheduler scheduler, RunJournal journal, Completion completion, ValueResolver values) {
        this.plan = plan;
        this.scheduler = scheduler;
        this.journal = journal;
        this.completion = completion;
        this.values = values;
    }

    CompletableFuture<NodeResult> runLoop(Node.LoopNode node, Frame frame, String path) {
        List<Resolved> items = loopItems(node, frame, path);
        journal.started(path);
        if (items.isEmpty()) {
            return completion.done(frame, node.name(), NodeResult.of(StepStatus.SKIPPED, "the loop's list is empty"));
        }
        List<Frame> iterations = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            iterations.add(frame.iteration(node.name(), i, items.get(i)));
        }
        int cap = node.parallelism() > 0 ? Math.min(node.parallelism(), items.size()) : items.size();
        AtomicInteger next = new AtomicInteger();
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < cap; lane++) {
            lanes.add(nextIteration(node, iterations, next));
        }
        return CompletableFuture.allOf(lanes.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    StepStatus status = StepStatus.SUCCEEDED;
                    for (Frame iteration : iterations) {
                        StepStatus outcome = iteration.outcome();
                        if (outcome == StepStatus.ERROR
                                || (outcome == StepStatus.FAILED && status != StepStatus.ERROR)
                                || (outcome == StepStatus.OMITTED && status == StepStatus.SUCCEEDED)) {
                            status = outcome;
                        }
                    }
                    String message = items.size() + " iteration" + (items.size() == 1 ? "" : "s");
                    return completion.finish(
                            frame,
                            node.name(),
                            new NodeResult(status, Map.of(), Map.of(), Map.of(), iterations, message),
                            UnaryOperator.identity());
                });
    }

    /** Runs iterations one after another on one lane; {@code parallelism} lanes share the list. */
    private CompletableFuture<Void> nextIteration(Node.LoopNode node, List<Frame> iterations, AtomicInteger next) {
        int index = next.getAndIncrement();
        if (index >= iterations.size()) {
            return CompletableFuture.completedFuture(null);
        }
        return scheduler
                .runGraph(node.body(), iterations.get(index))
                .thenCompose(v -> nextIteration(node, iterations, next));
    }

    private List<Resolved> loopItems(Node.LoopNode node, Frame frame, String path) {
        ValueType<?> itemType = node.itemType();
        List<?> items;
        if (node.items() instanceof Expr.Literal literal) {
            items = (List<?>) literal.value();
        } else {
            Resolved list = values.resolve(node.items(), frame, path + " items");
            try {
                items = (List<?>) ValueCodec.decode(ValueType.listOf(itemType), list.text());
            } catch (IllegalArgumentException e) {
                throw new ResolveException("loop '" + path + "': its items are not a list of " + itemType.displayName()
                        + ": " + e.getMessage());
            }
        }
        // Argo reads the items of a run-time list that are not plain text (records, maps) from JSON, so they are
        // written as read from JSON; a constant list's items are written into the workflow as they are.
        boolean reread = !(node.items() instanceof Expr.Literal) && !ValueCodec.isPlain(itemType);
        List<Resolved> resolved = new ArrayList<>();
        for (Object value : items) {
            try {
                resolved.add(Resolved.text(
                        itemType, reread ? ValueCodec.reread(itemType, value) : ValueCodec.encode(itemType, value)));
            } catch (IllegalArgumentException e) {
                throw new ResolveException("loop '" + path + "': " + e.getMessage());
            }
        }
        return resolved;
    }

    CompletableFuture<NodeResult> runCall(Node.CallNode call, Frame frame, String path) {
        return runCall(call.name(), call.pipeline(), call.bindings(), frame, path, 1);
    }

    /** A recursive call one level deeper than {@code frame}, or a failure once that passes its maximum depth. */
    CompletableFuture<NodeResult> runRecursion(Node.RecurseNode recurse, Frame frame, String path) {
        int depth = frame.depth() + 1;
        if (depth > recurse.maxDepth()) {
            return completion.done(
                    frame,
                    recurse.name(),
                    NodeResult.of(
                            StepStatus.FAILED,
                            "step '" + path
                                    + "': the recursion reached its maximum depth of " + recurse.maxDepth()
                                    + " levels; raise maxDepth "
                                    + "or check the condition that should end it"));
        }
        return runCall(recurse.name(), recurse.pipeline(), recurse.bindings(), frame, path, depth);
    }

    /** A sub-pipeline call, or a recursive call at {@code depth} (1 for a call from outside the sub-pipeline). */
    private CompletableFuture<NodeResult> runCall(
            String name, String pipeline, Map<String, Expr> bindings, Frame frame, String path, int depth) {
        Graph body = plan.subPipeline(pipeline);
        Map<String, Resolved> inputs = new LinkedHashMap<>();
        for (PortSpec port : body.inputs()) {
            Expr expr = bindings.get(port.name());
            if (expr != null) {
                inputs.put(port.name(), values.resolve(expr, frame, path + " input '" + port.name() + "'"));
            } else if (port.defaultValue() != null) {
                inputs.put(
                        port.name(), Resolved.text(port.type(), ValueCodec.encode(port.type(), port.defaultValue())));
            }
        }
        journal.started(path);
        Frame child = frame.call(name, inputs, depth);
        return scheduler.runGraph(body, child).thenApply(v -> {
            StepStatus status = child.outcome();
            if (status != StepStatus.SUCCEEDED) {
                return completion.finish(
                        frame,
                        name,
                        NodeResult.of(status, journal.failureSummary(child.prefix())),
                        UnaryOperator.identity());
            }
            Map<String, String> outParams = new TreeMap<>();
            Map<String, Path> outArtifacts = new TreeMap<>();
            Map<String, String> digests = new TreeMap<>();
            try {
                for (Graph.GraphOutput output : body.outputs()) {
                    Resolved value = values.resolve(output.source(), child, path + " output '" + output.name() + "'");
                    if (value.isArtifact()) {
                        outArtifacts.put(output.name(), value.artifact());
                        digests.put(output.name(), value.digest());
                    } else {
                        outParams.put(output.name(), value.text());
                    }
                }
            } catch (ResolveException e) {
                return completion.finish(
                        frame, name, NodeResult.of(StepStatus.ERROR, e.getMessage()), UnaryOperator.identity());
            }
            return completion.finish(
                    frame,
                    name,
                    new NodeResult(StepStatus.SUCCEEDED, outParams, outArtifacts, digests, List.of(), null),
                    UnaryOperator.identity());
        });
    }
}
