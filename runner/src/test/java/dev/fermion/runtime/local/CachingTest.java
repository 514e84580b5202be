package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.dsl.Pipeline;
import dev.fermion.runtime.fixtures.Steps.AddOne;
import dev.fermion.runtime.fixtures.Steps.CountLines;
import dev.fermion.runtime.fixtures.Steps.Emit;
import dev.fermion.runtime.fixtures.Steps.ReadText;
import dev.fermion.runtime.fixtures.Steps.WriteText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingTest {
    @TempDir
    Path home;

    private static final Pipeline PIPELINE = Pipeline.named("cached").define(p -> {
        var text = p.param("text", "first");
        var start = p.param("start", 1);
        var write = p.step("write", new WriteText()).with(WriteText.TEXT, text);
        p.step("read", new ReadText()).with(ReadText.DATA, write.out(WriteText.DATA));
        var a = p.step("a", new AddOne()).with(AddOne.X, start);
        p.step("b", new AddOne()).with(AddOne.X, a.out(AddOne.Y));
        p.step("volatile", new Emit()).noCache();
    });

    private RunResult run(Map<String, String> params, boolean cache) {
        RunOptions options =
                RunOptions.defaults().withHome(new FermionHome(home)).withCache(cache);
        return new LocalRunner(options).run(PIPELINE.plan(), params);
    }

    private static boolean executed(RunResult result, String step) {
        return !result.step(step).cacheHit() && !result.step(step).attempts().isEmpty();
    }

    @Test
    void aRerunOfAnUnchangedPipelineExecutesNothingCacheable() {
        RunResult first = run(Map.of(), true);
        RunResult second = run(Map.of(), true);

        assertThat(first.record().steps().values()).allMatch(s -> !s.cacheHit());
        for (String step : new String[] {"write", "read", "a", "b"}) {
            assertThat(second.step(step).cacheHit()).as(step).isTrue();
            assertThat(second.step(step).attempts()).as(step).isEmpty();
            assertThat(second.step(step).outputs()).isEqualTo(first.step(step).outputs());
        }
        assertThat(second.step("read").outputs()).containsEntry("content", "first");
        assertThat(Path.of(second.step("write").artifacts().get("data")).resolve("text.txt"))
                .hasContent("first");
        assertThat(executed(second, "volatile"))
                .as("noCache step runs every time")
                .isTrue();
    }

    /** A step reading a file is keyed by the file's content, digested before it runs: as Argo's memoize would be. */
    @Test
    void aStepThatReadsAFileIsCachedByTheFilesContent() throws Exception {
        Path data = Files.writeString(home.resolve("data.csv"), "a\nb\n");
        Pipeline pipeline = Pipeline.named("source").define(p -> {
            var count = p.step("count", new CountLines())
                    .with(CountLines.PATH, p.param("path", "unset"))
                    .retries(2);
            p.step("next", new AddOne()).with(AddOne.X, count.out(CountLines.LINES));
        });
        RunOptions options = RunOptions.defaults().withHome(new FermionHome(home));
        Map<String, String> params = Map.of("path", data.toString());

        CountLines.READS.set(0);
        RunResult first = new LocalRunner(options).run(pipeline.plan(), params);
        RunResult unchanged = new LocalRunner(options).run(pipeline.plan(), params);
        Files.writeString(data, "a\nb\nc\n");
        RunResult changed = new LocalRunner(options).run(pipeline.plan(), params);

        assertThat(first.step("count").outputs()).containsEntry("lines", "2");
        assertThat(unchanged.step("count").cacheHit()).as("same content: a hit").isTrue();
        assertThat(unchanged.step("next").cacheHit()).isTrue();
        assertThat(changed.step("count").cacheHit())
                .as("changed content: a miss")
                .isFalse();
        assertThat(changed.step("count").outputs()).containsEntry("lines", "3");
        assertThat(changed.step("next").outputs()).containsEntry("y", "4");
        assertThat(CountLines.READS.get()).isEqualTo(2);
        assertThat(first.step("count").cacheKey())
                .isEqualTo(unchanged.step("count").cacheKey())
                .isNotEqualTo(changed.step("count").cacheKey());

        Files.delete(data);
        RunResult missing = new LocalRunner(options).run(pipeline.plan(), params);
        assertThat(missing.status()).isEqualTo(RunStatus.FAILED);
        assertThat(missing.step("count").attempts()).hasSize(1);
        assertThat(missing.step("count").attempts().get(0).badInput()).isTrue();
        assertThat(missing.step("count").message()).contains("cannot read its source: no such file: " + data);
        assertThat(CountLines.READS.get()).as("a missing source is not retried").isEqualTo(2);
    }

    @Test
    void changingOneInputRerunsThatStepAndItsDownstreamOnly() {
        run(Map.of(), true);
        RunResult changed = run(Map.of("text", "second"), true);

        assertThat(executed(changed, "write")).isTrue();
        assertThat(executed(changed, "read")).isTrue();
        assertThat(changed.step("read").outputs()).containsEntry("content", "second");
        assertThat(changed.step("a").cacheHit()).isTrue();
        assertThat(changed.step("b").cacheHit()).isTrue();
    }

    @Test
    void theKeyIsTheComponentAndItsInputsNotTheStepName() {
        run(Map.of("start", "1"), true);
        RunResult changed = run(Map.of("start", "2"), true);

        assertThat(executed(changed, "a"))
                .as("a now adds one to 2, which b did in the first run")
                .isFalse();
        assertThat(changed.step("a").cacheKey())
                .isNotEqualTo(run(Map.of("start", "1"), true).step("a").cacheKey());
        assertThat(executed(changed, "b")).isTrue();
        assertThat(changed.step("b").outputs()).containsEntry("y", "4");
        assertThat(changed.step("read").cacheHit()).isTrue();
    }

    @Test
    void noCacheRunsEverythingAndStoresNothing() {
        run(Map.of(), false);
        RunResult second = run(Map.of(), false);
        RunResult third = run(Map.of(), true);

        assertThat(second.record().steps().values()).noneMatch(StepRecord::cacheHit);
        assertThat(third.record().steps().values()).noneMatch(StepRecord::cacheHit);
        assertThat(third.step("a").cacheKey()).isEqualTo(second.step("a").cacheKey());
    }
}
