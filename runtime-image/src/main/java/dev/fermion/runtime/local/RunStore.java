package dev.fermion.runtime.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Run records on disk. Each write goes to a temporary file that is then moved over {@code run.json}, so a
 * runner killed mid-write leaves the previous complete record, never half of one.
 */
public final class RunStore {
    public static final String RECORD = "run.json";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final FermionHome home;

    public RunStore(FermionHome home) {
        this.home = home;
    }

    public FermionHome home() {
        return home;
    }

    public Path recordFile(String runId) {
        return home.run(runId).resolve(RECORD);
    }

    public synchronized void save(RunRecord record) {
        Path file = recordFile(record.runId());
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".run-", ".json.tmp");
            Files.write(tmp, JSON.writeValueAsBytes(record));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run record " + file, e);
        }
    }

    /** The record of {@code runId}; a missing or unreadable record is a {@link RunSetupException} naming the file. */
    public RunRecord load(String runId) {
        if (runId == null || runId.isBlank() || runId.contains("/") || runId.contains("\\") || runId.startsWith(".")) {
            throw new RunSetupException("'" + runId + "' is not a run id; 'fermion runs list' shows the ids of past runs");
        }
        Path file = recordFile(runId);
        RunRecord record;
        try {
            record = JSON.readValue(Files.readAllBytes(file), RunRecord.class);
        } catch (NoSuchFileException e) {
            throw new RunSetupException("no run with id '" + runId + "' under " + home.runs()
                    + "; 'fermion runs list' shows the ids of past runs");
        } catch (JsonProcessingException e) {
            throw new RunSetupException("the run record " + file + " is corrupt (" + e.getOriginalMessage()
                    + "); it was left as it is: inspect or delete it", e);
        } catch (IOException e) {
            throw new RunSetupException("cannot read the run record " + file + ": " + e.getMessage(), e);
        }
        if (record.runId() == null || record.pipeline() == null || record.startedAt() == null || record.status() == null
                || record.format() != RunRecord.FORMAT) {
            throw new RunSetupException("the run record " + file + " is corrupt or of another Fermion version (format "
                    + record.format() + ", expected " + RunRecord.FORMAT + "); it was left as it is");
        }
        return record;
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
