package dev.fermion.runtime.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Run records on disk. A full write goes to a temporary file that is then moved over {@code run.json}, so a
 * runner killed mid-write leaves the previous complete record, never half of one. While a run is going,
 * step changes are appended to a journal ({@code steps.jsonl}) instead: rewriting a record of a thousand
 * steps for every change would make a run's bookkeeping grow with the square of its steps. Loading replays
 * the journal over {@code run.json}; a torn last line (a runner killed mid-append) is ignored, which costs at
 * most that one change, and a step whose success was lost simply runs again on resume.
 */
public final class RunStore {
    public static final String RECORD = "run.json";
    public static final String JOURNAL = "steps.jsonl";
    private static final ObjectMapper LINES = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final FermionHome home;
    /**
     * The journals of runs going on, kept open: a run appends after every few step changes, and opening and
     * closing the file each time cost more than the write.
     */
    private final Map<String, FileChannel> journals = new HashMap<>();

    public RunStore(FermionHome home) {
        this.home = home;
    }

    public FermionHome home() {
        return home;
    }

    public Path recordFile(String runId) {
        return home.run(runId).resolve(RECORD);
    }

    /** Writes the whole record; it supersedes the journal, which is emptied. */
    public synchronized void save(RunRecord record) {
        Path file = recordFile(record.runId());
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".run-", ".json.tmp");
            Files.write(tmp, JSON.writeValueAsBytes(record));
            // Emptied before the move: a crash in between loses journaled changes (those steps run again on
            // resume) but never replays stale ones over a newer record.
            closeJournal(record.runId());
            Files.deleteIfExists(file.resolveSibling(JOURNAL));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run record " + file, e);
        }
    }

    /** Appends step changes to the run's journal; {@link #load} applies them over the last full record. */
    public synchronized void append(String runId, List<StepRecord> changed) {
        if (changed.isEmpty()) {
            return;
        }
        Path journal = home.run(runId).resolve(JOURNAL);
        try {
            ByteArrayOutputStream lines = new ByteArrayOutputStream(1024 * changed.size());
            for (StepRecord step : changed) {
                LINES.writeValue(lines, step);
                lines.write('\n');
            }
            FileChannel channel = journals.get(runId);
            if (channel == null) {
                channel = FileChannel.open(
                        journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                journals.put(runId, channel);
            }
            // One write for the whole batch, so a runner killed mid-append tears at most the last line.
            ByteBuffer bytes = ByteBuffer.wrap(lines.toByteArray());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            closeJournal(runId);
            throw new UncheckedIOException("cannot append to the run journal " + journal, e);
        }
    }

    /** Closes the run's journal if it is open; the next {@link #append} opens it again. */
    public synchronized void closeJournal(String runId) {
        FileChannel channel = journals.remove(runId);
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Every append was written when it returned; a failed close loses nothing of it.
            }
        }
    }

    /** The record of {@code runId}; an unknown id is an {@link UnknownRunException}, an unreadable record a
     * {@link RunSetupException} naming the file. */
    public RunRecord load(String runId) {
        if (runId == null || runId.isBlank() || runId.contains("/") || runId.contains("\\") || runId.startsWith(".")) {
            throw new UnknownRunException("'" + runId + "' is not a run id");
        }
        Path file = recordFile(runId);
        RunRecord record;
        try {
            record = JSON.readValue(Files.readAllBytes(file), RunRecord.class);
        } catch (NoSuchFileException e) {
            throw new UnknownRunException("no run with id '" + runId + "' under " + home.runs());
        } catch (JsonProcessingException e) {
            throw new RunSetupException(
                    "the run record " + file + " is corrupt (" + e.getOriginalMessage()
                            + "); it was left as it is: inspect or delete it",
                    e);
        } catch (IOException e) {
            throw new RunSetupException("cannot read the run record " + file + ": " + e.getMessage(), e);
        }
        if (record.runId() == null
                || record.pipeline() == null
                || record.startedAt() == null
                || record.status() == null
                || record.format() != RunRecord.FORMAT) {
            throw new RunSetupException("the run record " + file + " is corrupt or of another Fermion version (format "
                    + record.format() + ", expected " + RunRecord.FORMAT + "); it was left as it is");
        }
        return withJournal(record, file.resolveSibling(JOURNAL));
    }

    private static RunRecord withJournal(RunRecord record, Path journal) {
        List<String> lines;
        try {
            lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return record;
        } catch (IOException e) {
            throw new RunSetupException("cannot read the run journal " + journal + ": " + e.getMessage(), e);
        }
        Map<String, StepRecord> steps = new TreeMap<>(record.steps());
        for (int i = 0; i < lines.size(); i++) {
            try {
                StepRecord step = LINES.readValue(lines.get(i), StepRecord.class);
                steps.put(step.path(), step);
            } catch (JsonProcessingException e) {
                if (i < lines.size() - 1) {
                    throw new RunSetupException(
                            "the run journal " + journal + " is corrupt at line " + (i + 1) + " ("
                                    + e.getOriginalMessage() + "); it was left as it is: inspect or delete it",
                            e);
                }
            }
        }
        return record.withSteps(steps);
    }

    /** Every readable run, newest first; unreadable ones are reported in {@code problems}. */
    public List<RunRecord> list(List<String> problems) {
        List<RunRecord> runs = new ArrayList<>();
        if (!Files.isDirectory(home.runs())) {
            return runs;
        }
        try (Stream<Path> dirs = Files.list(home.runs())) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                try {
                    runs.add(load(dir.getFileName().toString()));
                } catch (RunSetupException e) {
                    problems.add(e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list runs in " + home.runs(), e);
        }
        runs.sort(Comparator.comparing(RunRecord::startedAt).reversed().thenComparing(RunRecord::runId));
        return runs;
    }

    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
