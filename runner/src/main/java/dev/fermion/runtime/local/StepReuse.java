package dev.fermion.runtime.local;

import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.PortSpec;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Whether a step's result can be had without running it: kept from the run being resumed when its cache key
 * is unchanged, or found in the cache; and what a successful step leaves in the cache.
 */
final class StepReuse {
    private final RunOptions options;
    private final CacheStore cache;
    private final Map<String, StepRecord> previous;
    private final Path steps;
    private final String runId;

    /** A result found in the cache, and the run that computed it (null: not known). */
    record CacheHit(NodeResult result, String runId) {}

    StepReuse(RunOptions options, Map<String, StepRecord> previous, Path runDir, String runId) {
        this.options = options;
        this.cache = new CacheStore(options.home().cache());
        this.previous = previous;
        this.steps = runDir.resolve("steps");
        this.runId = runId;
    }

    /** The step's record in the run being resumed; null when it has none. */
    StepRecord prior(String path) {
        return previous.get(path);
    }

    /** Whether the cache is read and written for {@code run}; never for a test double's result. */
    boolean caches(StepRun run) {
        return options.cache() && run.options.cachingEnabled() && !run.replaced;
    }

    /** A step that succeeded in the run being resumed, with the same cache key: its outputs are reused. */
    Optional<NodeResult> restore(String path, String key, ComponentSpec component) {
        StepRecord prior = previous.get(path);
        if (prior == null || prior.status() != StepStatus.SUCCEEDED || !key.equals(prior.cacheKey())) {
            return Optional.empty();
        }
        Map<String, Path> artifacts = new TreeMap<>();
        for (PortSpec port : component.outputs()) {
            if (!port.isArtifact()) {
                if (!prior.outputs().containsKey(port.name())) {
                    return Optional.empty();
                }
                continue;
            }
            String dir = prior.artifacts().get(port.name());
            if (dir == null || !Files.isDirectory(Path.of(dir))) {
                return Optional.empty();
            }
            artifacts.put(port.name(), Path.of(dir));
        }
        return Optional.of(new NodeResult(
                StepStatus.SUCCEEDED,
                prior.outputs(),
                artifacts,
                prior.digests(),
                List.of(),
                "finished in an earlier attempt of this run"));
    }

    /** The cached result of {@code run}, if the cache holds one young enough. */
    Optional<CacheHit> cached(StepRun run) {
        return cache.find(run.key, run.options.cache().maxAge(), Instant.now())
                .flatMap(entry -> fromCache(entry, run.component, run.path));
    }

    /** The cached result, its artifacts linked into this run; empty if the entry vanished meanwhile (a miss). */
    private Optional<CacheHit> fromCache(CacheStore.Entry entry, ComponentSpec component, String path) {
        Map<String, Path> artifacts = new TreeMap<>();
        try {
            for (PortSpec port : component.outputs()) {
                if (port.isArtifact()) {
                    Path target = steps.resolve(path).resolve("cached").resolve(port.name());
                    FileTrees.delete(target);
                    FileTrees.linkOrCopy(cache.artifact(entry.key(), port.name()), target);
                    artifacts.put(port.name(), target);
                }
            }
        } catch (UncheckedIOException e) {
            return Optional.empty();
        }
        return Optional.of(new CacheHit(
                new NodeResult(
                        StepStatus.SUCCEEDED,
                        entry.outputs(),
                        artifacts,
                        entry.digests(),
                        List.of(),
                        entry.runId() == null
                                ? "cached result of an earlier run"
                                : "cached result of run " + entry.runId()),
                entry.runId()));
    }

    /** Keeps {@code result} of {@code run} in the cache; a cache that cannot take it costs a note, not the step. */
    NodeResult store(StepRun run, NodeResult result) {
        try {
            cache.put(
                    new CacheStore.Entry(
                            run.key,
                            run.component.className(),
                            Instant.now().toString(),
                            result.params(),
                            result.digests(),
                            runId),
                    result.artifacts());
            return result;
        } catch (UncheckedIOException e) {
            return new NodeResult(
                    result.status(),
                    result.params(),
                    result.artifacts(),
                    result.digests(),
                    List.of(),
                    "succeeded, but its result could not be cached: " + e.getMessage());
        }
    }
}
