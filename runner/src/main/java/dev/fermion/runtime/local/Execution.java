package dev.fermion.runtime.local;

import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.plan.ResultSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of a plan: walks the graphs as Argo's DAG controller does, with the same meaning for
 * dependencies, conditions, skipped and omitted nodes, loops, fan-in, sub-pipelines, retries, timeouts and
 * the exit handler, and keeps the run record on disk current after every change.
 *
 * <p>Argo rules mirrored here: a node starts when each dependency has succeeded or was skipped; a node
 * whose condition is false is Skipped (its dependents may still run); a node after a failed one is Omitted;
 * after any failure no new node of that graph starts (fail-fast) while running ones finish; an empty loop is
 * Skipped; the exit handler runs after the main graph whatever its outcome.
 *
 * <p>This class wires the parts and runs the main graph, then the exit handler: {@link Scheduler} decides when
 * a node starts, {@link Steps} runs steps (reused through {@link StepReuse}, retried by {@link RetryLoop},
 * launched by {@link StepLaunch}), {@link Expansions} runs loops and sub-pipelines, {@link ValueResolver}
 * resolves values, {@link Completion} ends nodes and {@link RunJournal} keeps the record.
 */
final class Execution {
    private final Plan plan;
    private final RunListener listener;
    private final ExecutorService pool;
    private final RunJournal journal;
    private final Deadline deadline;
    private final ValueResolver values;
    private final StepLaunch launch;
    private final Scheduler scheduler;
    private final Steps steps;
    private final Expansions expansions;

    Execution(
            Plan plan,
            RunOptions options,
            RunStore store,
            RunRecord initial,
            Map<String, StepRecord> previous,
            ExternalSteps external) {
        this.plan = plan;
        this.listener = options.listener();
        String runId = initial.runId();
        Path runDir = options.home().run(runId);
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(options.parallelism(), r -> {
            Thread t = new Thread(r, "fermion-runner-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.journal = new RunJournal(store, initial, previous, listener);
        this.deadline = new Deadline(plan);
        this.values = new ValueResolver(initial.params(), runDir);
        this.launch = new StepLaunch(plan.name(), runId, runDir, options, external, deadline);
        Completion completion = new Completion(journal, listener);
        this.scheduler = new Scheduler(journal, completion, deadline, values, this::start);
        this.steps = new Steps(
                plan.name(),
                options,
                external,
                pool,
                journal,
                completion,
                values,
                new StepReuse(options, previous, runDir, runId),
                new RetryLoop(plan.name(), runDir, pool, journal, deadline, external),
                launch);
        this.expansions = new Expansions(plan, scheduler, journal, completion, values);
    }

    RunRecord execute() {
        listener.runStarted(journal.begin());
        try {
            Frame main = Frame.top("");
            deadline.start();
            scheduler.runGraph(plan.graph(), main).join();
            deadline.lift();
            Map<String, String> results = results(main);
            RunStatus status = runStatus(main.outcome());
            values.mainFinished(status);
            String message = status == RunStatus.SUCCEEDED ? null : journal.failureSummary(main.prefix());
            if (plan.onExit().isPresent()) {
                Frame exit = Frame.top("");
                scheduler.runGraph(plan.onExit().get(), exit).join();
                if (exit.outcome() != StepStatus.SUCCEEDED && status == RunStatus.SUCCEEDED) {
                    status = RunStatus.FAILED;
                    message = "the exit handler failed: " + journal.failureSummary(exit.prefix());
                }
            }
            RunRecord record = journal.end(results, status, message);
            listener.runFinished(record);
            return record;
        } finally {
            pool.shutdownNow();
            launch.close();
            journal.close();
        }
    }

    /** Runs a node whose turn has come, by its kind. */
    private CompletableFuture<NodeResult> start(Node node, Frame frame, String path) {
        return node.accept(new Node.Visitor<>() {
            @Override
            public CompletableFuture<NodeResult> stepNode(Node.StepNode step) {
                return steps.runStep(step, frame, path);
            }

            @Override
            public CompletableFuture<NodeResult> loopNode(Node.LoopNode loop) {
                return expansions.runLoop(loop, frame, path);
            }

            @Override
            public CompletableFuture<NodeResult> callNode(Node.CallNode call) {
                return expansions.runCall(call, frame, path);
            }

            @Override
            public CompletableFuture<NodeResult> containerNode(Node.ContainerNode container) {
                return steps.runContainer(container, frame, path);
            }

            @Override
            public CompletableFuture<NodeResult> recurseNode(Node.RecurseNode recurse) {
                return expansions.runRecursion(recurse, frame, path);
            }

            @Override
            public CompletableFuture<NodeResult> resourceNode(Node.ResourceNode resource) {
                return steps.runResource(resource, frame, path);
            }
        });
    }

    /** The pipeline's declared results that the main graph produced; one whose step did not succeed is left out. */
    private Map<String, String> results(Frame main) {
        Map<String, String> results = new LinkedHashMap<>();
        for (ResultSpec result : plan.results()) {
            try {
                results.put(
                        result.name(),
                        values.resolve(result.value(), main, "result '" + result.name() + "'")
                                .text());
            } catch (ResolveException e) {
                // Its step was skipped, omitted or failed: the run has no such result.
            }
        }
        return results;
    }

    private static RunStatus runStatus(StepStatus outcome) {
        switch (outcome) {
            case SUCCEEDED:
                return RunStatus.SUCCEEDED;
            case ERROR:
                return RunStatus.ERROR;
            default:
                return RunStatus.FAILED;
        }
    }
}
