package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step journal beside run.json: replayed on load, superseded by a full write, robust to a torn line. */
class RunStoreJournalTest {
    @TempDir
    Path home;

    private RunStore store() {
        return new RunStore(new FermionHome(home));
    }

    private static RunRecord record(String runId) {
        return new RunRecord(
                RunRecord.FORMAT,
                runId,
                "demo",
                "demo",
                "",
                Map.of(),
                "in-process",
                2,
                true,
                RunStatus.RUNNING,
                Instant.now().toString(),
                null,
                ProcessHandle.current().pid(),
                null,
                null,
                Map.of("a", StepRecord.pending("a", "a", StepRecord.STEP, "C")));
    }

    @Test
    void journaledChangesAreAppliedOverTheRecordInOrder() {
        RunStore store = store();
        store.save(record("r1"));
        store.append(
                "r1", List.of(StepRecord.pending("a", "a", StepRecord.STEP, "C").withStatus(StepStatus.RUNNING, null)));
        store.append(
                "r1",
                List.of(
                        StepRecord.pending("a", "a", StepRecord.STEP, "C").withStatus(StepStatus.SUCCEEDED, "done"),
                        StepRecord.pending("b", "b", StepRecord.STEP, "C")));

        RunRecord loaded = store.load("r1");

        assertThat(loaded.steps()).containsOnlyKeys("a", "b");
        assertThat(loaded.steps().get("a").status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    @Test
    void aFullWriteSupersedesTheJournal() {
        RunStore store = store();
        store.save(record("r2"));
        store.append("r2", List.of(StepRecord.pending("b", "b", StepRecord.STEP, "C")));

        store.save(record("r2"));

        assertThat(home.resolve("runs/r2").resolve(RunStore.JOURNAL)).doesNotExist();
        assertThat(store.load("r2").steps()).containsOnlyKeys("a");
    }

    @Test
    void changesAppendedAfterAFullWriteGoToAFreshJournal() {
        RunStore store = store();
        store.save(record("r4"));
        store.append("r4", List.of(StepRecord.pending("b", "b", StepRecord.STEP, "C")));
        store.save(record("r4"));
        store.append("r4", List.of(StepRecord.pending("c", "c", StepRecord.STEP, "C")));
        store.closeJournal("r4");

        assertThat(store.load("r4").steps()).containsOnlyKeys("a", "c");
        assertThat(new RunStore(new FermionHome(home)).load("r4").steps())
                .as("read by another store, as 'fermion runs' does")
                .containsOnlyKeys("a", "c");
    }

    @Test
    void aTornLastLineIsIgnoredButACorruptEarlierLineIsReported() throws Exception {
        RunStore store = store();
        store.save(record("r3"));
        store.append("r3", List.of(StepRecord.pending("b", "b", StepRecord.STEP, "C")));
        Path journal = home.resolve("runs/r3").resolve(RunStore.JOURNAL);
        Files.writeString(journal, "{\"path\":\"c\",\"na", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertThat(store.load("r3").steps()).containsOnlyKeys("a", "b");

        Files.writeString(journal, "\n" + "{\"path\":\"d\"}\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertThatThrownBy(() -> store.load("r3"))
                .isInstanceOf(RunSetupException.class)
                .hasMessageContaining("run journal")
                .hasMessageContaining("line 2");
    }
}
