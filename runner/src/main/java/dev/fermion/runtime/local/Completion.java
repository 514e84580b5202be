package dev.fermion.runtime.local;

import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.PortSpec;
import dev.fermion.runtime.launch.Artifacts;
import dev.fermion.types.Directory;
import dev.fermion.types.ValueType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Ends a node, whatever its kind and however it ended: its result for the nodes after it, fail-fast on
 * failure, its record, and for a step the listeners' {@code stepFinished} with its typed artifacts.
 */
final class Completion {
    private static final ValueType<Directory> ANY_ARTIFACT = ValueType.of(Directory.class);

    private final RunJournal journal;
    private final RunListener listener;
    /** The component each step ran, to type its artifacts for listeners; a step that failed early has none. */
    private final Map<String, ComponentSpec> components = new ConcurrentHashMap<>();

    Completion(RunJournal journal, RunListener listener) {
        this.journal = journal;
        this.listener = listener;
    }

    /** Notes the component the step at {@code path} runs, before it finishes. */
    void runs(String path, ComponentSpec component) {
        components.put(path, component);
    }

    CompletableFuture<NodeResult> done(Frame frame, String node, NodeResult result) {
        return CompletableFuture.completedFuture(finish(frame, node, result, UnaryOperator.identity()));
    }

    NodeResult finish(Frame frame, String node, NodeResult result, UnaryOperator<StepRecord> extra) {
        return finish(frame, node, result, extra, null);
    }

    /**
     * Stores the result for dependents, records it, and trips fail-fast on failure; {@code cachedFrom} is the
     * run whose cached result this is (null: none, or not known).
     */
    NodeResult finish(Frame frame, String node, NodeResult result, UnaryOperator<StepRecord> extra, String cachedFrom) {
        String path = frame.path(node);
        frame.results().put(node, result);
        if (result.status() == StepStatus.FAILED || result.status() == StepStatus.ERROR) {
            frame.stop().set(true);
        }
        Map<String, String> dirs = new TreeMap<>();
        result.artifacts().forEach((k, v) -> dirs.put(k, v.toString()));
        StepRecord finished = journal.update(
                path,
                s -> extra.apply(s.finished(result.status(), journal.nextEvent(), Instant.now(), result.message())
                        .withResults(result.params(), dirs, result.digests(), s.cacheHit(), s.resumed())));
        if (StepRecord.STEP.equals(finished.kind())) {
            ComponentSpec component = components.get(path);
            List<PortArtifact> outputs = new ArrayList<>();
            result.artifacts()
                    .forEach((name, dir) -> outputs.add(new PortArtifact(
                            name,
                            Artifacts.of(
                                    component == null
                                            ? ANY_ARTIFACT
                                            : component
                                                    .output(name)
                                                    .map(PortSpec::type)
                                                    .orElse(ANY_ARTIFACT),
                                    dir),
                            result.digests().get(name))));
            listener.stepFinished(finished, List.copyOf(outputs), cachedFrom);
        }
        return result;
    }
}
