package dev.fermion.runtime.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Step results by {@link dev.fermion.contract.CacheKey}: {@code cache/<key>/entry.json} with the encoded
 * parameter outputs and artifact digests, and {@code cache/<key>/artifacts/<name>/} with the artifact files.
 * An entry is assembled in a temporary directory and moved into place whole, so readers never see half of one.
 */
final class CacheStore {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String ENTRY = "entry.json";

    private final Path root;

    CacheStore(Path root) {
        this.root = root;
    }

    /** {@code runId}: the run that computed the result; null in entries written before it was kept. */
    record Entry(
            String key,
            String component,
            String createdAt,
            Map<String, String> outputs,
            Map<String, String> digests,
            String runId) {}

    /** The entry for {@code key} if there is one younger than {@code maxAge} (null: any age). */
    Optional<Entry> find(String key, Duration maxAge, Instant now) {
        Path file = root.resolve(key).resolve(ENTRY);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Entry entry;
        try {
            entry = JSON.readValue(file.toFile(), Entry.class);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (maxAge != null && Instant.parse(entry.createdAt()).plus(maxAge).isBefore(now)) {
            return Optional.empty();
        }
        for (String name : entry.digests().keySet()) {
            if (!Files.isDirectory(artifact(key, name))) {
                return Optional.empty();
            }
        }
        return Optional.of(entry);
    }

    Path artifact(String key, String name) {
        return root.resolve(key).resolve("artifacts").resolve(name);
    }

    /**
     * Stores an entry. Steps with equal keys may finish at the same time; the first entry in place wins and
     * the others are dropped, since equal keys mean interchangeable results.
     */
    void put(Entry entry, Map<String, Path> artifacts) {
        Path target = root.resolve(entry.key());
        Path tmp = root.resolve(".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            for (Map.Entry<String, Path> artifact : artifacts.entrySet()) {
                FileTrees.linkOrCopy(
                        artifact.getValue(), tmp.resolve("artifacts").resolve(artifact.getKey()));
            }
            Files.write(tmp.resolve(ENTRY), JSON.writeValueAsBytes(entry));
            if (Files.exists(target)) {
                // An expired entry: the caller found it too old, so it makes way for this one.
                FileTrees.delete(target);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
        } catch (IOException | UncheckedIOException e) {
            FileTrees.delete(tmp);
            if (!Files.isRegularFile(target.resolve(ENTRY))) {
                throw new UncheckedIOException(
                        "cannot store the cache entry " + target,
                        e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
            }
        }
    }
}
