package dev.fermion.tracking.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.tracking.mlflow.MlflowException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracking operations MLflow could not take, kept on disk until {@link #replay} sends them. Each session
 * (one tracked pipeline run) writes {@code <session>.jsonl}, one numbered operation per line; replay
 * appends the number of every operation the server accepted to {@code <session>.sent}, so a replay that
 * stops half way resumes where it stopped and sends nothing twice. A fully sent session's files are
 * removed.
 */
public final class Spool {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PENDING = ".jsonl";
    private static final String SENT = ".sent";
    private static final String REJECTED = ".rejected.jsonl";

    private final Path dir;

    public Spool(Path dir) {
        this.dir = dir;
    }

    /** The spool of a Fermion home: {@code <home>/tracking/spool}. */
    public static Spool inHome(Path fermionHome) {
        return new Spool(fermionHome.resolve("tracking").resolve("spool"));
    }

    public Path dir() {
        return dir;
    }

    /** One spooled operation, numbered within its session. */
    public record Entry(long seq, TrackingOp op) {}

    /** What a replay did: operations accepted, rejected by the server, and still waiting. */
    public record ReplayResult(int sent, int rejected, int remaining) {}

    /** Appends {@code op} to the session's file, synchronously, so it survives this process. */
    public synchronized void append(String session, long seq, TrackingOp op) {
        try {
            Files.createDirectories(dir);
            String line = JSON.writeValueAsString(new Entry(seq, op)) + "\n";
            Files.writeString(
                    pendingFile(session),
                    line,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.DSYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool a tracking operation to " + dir, e);
        }
    }

    /** Sessions with operations not yet sent. */
    public synchronized List<String> sessions() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(PENDING) && !n.endsWith(REJECTED))
                    .map(n -> n.substring(0, n.length() - PENDING.length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** The operations of a session not yet sent, in replay order. */
    public synchronized List<Entry> pending(String session) {
        Set<Long> sent = sent(session);
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries(pendingFile(session))) {
            if (!sent.contains(e.seq())) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparingInt((Entry e) -> e.op().replayPhase()).thenComparingLong(Entry::seq));
        return out;
    }

    /** Operations waiting in all sessions. */
    public int pendingCount() {
        return sessions().stream().mapToInt(s -> pending(s).size()).sum();
    }

    /**
     * Sends every waiting operation. A transient failure (server down again) stops the session it happened
     * in, keeping the rest for the next replay; an operation the server rejects is moved to
     * {@code <session>.rejected.jsonl} and logged, since sending it again cannot succeed.
     */
    public ReplayResult replay(MlflowWriter writer) {
        int sent = 0;
        int rejected = 0;
        int remaining = 0;
        for (String session : sessions()) {
            List<Entry> entries = pending(session);
            int done = 0;
            for (Entry entry : entries) {
                try {
                    entry.op().applyTo(writer);
                    sent++;
                } catch (MlflowException e) {
                    if (e.sendableLater()) {
                        LOG.warn(
                                "MLflow {} while replaying {}: {}",
                                e.authenticationFailure() ? "refused the credentials" : "unavailable",
                                session,
                                e.getMessage());
                        break;
                    }
                    reject(session, entry, e);
                    rejected++;
                } catch (RuntimeException e) {
                    reject(session, entry, e);
                    rejected++;
                }
                markSent(session, entry.seq());
                done++;
            }
            remaining += entries.size() - done;
            if (done == entries.size()) {
                delete(session);
            }
        }
        return new ReplayResult(sent, rejected, remaining);
    }

    private void reject(String session, Entry entry, RuntimeException why) {
        LOG.warn("MLflow rejected spooled operation {} of {}: {}", entry.seq(), session, why.getMessage());
        try {
            Files.writeString(
                    dir.resolve(session + REJECTED),
                    JSON.writeValueAsString(entry) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record a rejected operation in " + dir, e);
        }
    }

    private synchronized void markSent(String session, long seq) {
        try {
            Files.writeString(
                    dir.resolve(session + SENT),
                    seq + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.DSYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record a sent operation in " + dir, e);
        }
    }

    private synchronized void delete(String session) {
        try {
            Files.deleteIfExists(pendingFile(session));
            Files.deleteIfExists(dir.resolve(session + SENT));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the replayed session " + session, e);
        }
    }

    private Set<Long> sent(String session) {
        Path file = dir.resolve(session + SENT);
        Set<Long> out = new HashSet<>();
        if (Files.exists(file)) {
            for (String line : lines(file)) {
                // A line cut short by a crash is an unfinished mark: the operation is sent again.
                if (line.matches("\\d+")) {
                    out.add(Long.parseLong(line));
                }
            }
        }
        return out;
    }

    private List<Entry> entries(Path file) {
        List<Entry> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : lines(file)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(JSON.readValue(line, Entry.class));
            } catch (JsonProcessingException e) {
                // Only the last line can be cut short (a crash while appending); it never reached the server.
                LOG.warn("skipping an unreadable line of {}: {}", file, e.getOriginalMessage());
            }
        }
        return out;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private Path pendingFile(String session) {
        return dir.resolve(session + PENDING);
    }
}
