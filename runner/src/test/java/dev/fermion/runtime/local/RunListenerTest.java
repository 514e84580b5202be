package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.dsl.Pipeline;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.runtime.fixtures.Steps.Emit;
import dev.fermion.runtime.fixtures.Steps.Fail;
import dev.fermion.runtime.fixtures.Steps.ReadText;
import dev.fermion.runtime.fixtures.Steps.ReportAndWait;
import dev.fermion.runtime.fixtures.Steps.WriteText;
import dev.fermion.types.Directory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What listeners hear about each step: inputs, metrics from either isolation, outputs and cache hits. */
class RunListenerTest {
    @TempDir
    Path home;

    private static final Pipeline PIPELINE = Pipeline.named("heard").define(p -> {
        var text = p.param("text", "four");
        var write = p.step("write", new WriteText()).with(WriteText.TEXT, text);
        p.step("read", new ReadText()).with(ReadText.DATA, write.out(WriteText.DATA));
    });

    /** Every event as one line, in the order the listener heard them. */
    static class Recorder implements RunListener {
        final List<String> events = new ArrayList<>();
        final List<PortArtifact> inputs = new ArrayList<>();
        final List<PortArtifact> outputs = new ArrayList<>();

        @Override
        public synchronized void stepStarted(
                String path,
                ComponentSpec component,
                Map<String, String> in,
                List<PortArtifact> artifacts,
                boolean reused) {
            events.add("started " + path + " " + component.simpleName() + " " + in);
            inputs.addAll(artifacts);
        }

        @Override
        public synchronized void stepMetric(String path, StepMetric metric) {
            events.add("metric " + path + " " + metric.key() + "=" + metric.value() + "@" + metric.step());
            assertThat(metric.timestampMillis()).isPositive();
        }

        @Override
        public synchronized void stepFinished(StepRecord step, List<PortArtifact> artifacts, String cachedFrom) {
            events.add("finished " + step.path() + " " + step.status() + " cached=" + step.cacheHit() + " from="
                    + cachedFrom + " " + step.outputs());
            outputs.addAll(artifacts);
        }

        synchronized List<String> of(String path) {
            return events.stream().filter(e -> e.split(" ")[1].equals(path)).toList();
        }
    }

    private RunResult run(Pipeline pipeline, Isolation isolation, RunListener listener) {
        RunOptions options = RunOptions.defaults()
                .withHome(new FermionHome(home))
                .withIsolation(isolation)
                .withParallelism(2)
                .withListener(listener);
        return new LocalRunner(options).run(pipeline.plan(), Map.of());
    }

    @Test
    void stepsReportInputsMetricsAndOutputsInOrder() {
        Recorder heard = new Recorder();
        RunResult result = run(PIPELINE, Isolation.IN_PROCESS, heard);

        assertThat(result.succeeded()).isTrue();
        assertThat(heard.of("write"))
                .containsExactly(
                        "started write Steps.WriteText {text=four}",
                        "metric write length=4.0@0",
                        "finished write SUCCEEDED cached=false from=null {}");
        assertThat(heard.of("read"))
                .containsExactly(
                        "started read Steps.ReadText {}",
                        "finished read SUCCEEDED cached=false from=null {content=four}");
        PortArtifact written = heard.outputs.get(0);
        assertThat(written.name()).isEqualTo("data");
        assertThat(written.artifact()).isInstanceOf(Directory.class);
        assertThat(written.artifact().path().resolve("text.txt")).hasContent("four");
        assertThat(written.digest())
                .isEqualTo(result.step("write").digests().get("data"))
                .isNotBlank();
        assertThat(heard.inputs).containsExactly(written);
    }

    @Test
    void aCachedStepNamesTheRunThatComputedItAndReportsNoMetrics() {
        String first = run(PIPELINE, Isolation.IN_PROCESS, RunListener.NONE).runId();
        Recorder heard = new Recorder();
        run(PIPELINE, Isolation.IN_PROCESS, heard);

        assertThat(heard.of("write"))
                .containsExactly(
                        "started write Steps.WriteText {text=four}",
                        "finished write SUCCEEDED cached=true from=" + first + " {}");
        assertThat(heard.outputs)
                .singleElement()
                .satisfies(a -> assertThat(a.digest()).isNotBlank());
    }

    @Test
    void stepProcessesReportTheirMetricsOnce() {
        Recorder heard = new Recorder();
        RunResult result = run(PIPELINE, Isolation.PROCESS, heard);

        assertThat(result.succeeded()).isTrue();
        assertThat(heard.of("write"))
                .containsExactly(
                        "started write Steps.WriteText {text=four}",
                        "metric write length=4.0@0",
                        "finished write SUCCEEDED cached=false from=null {}");
    }

    @Test
    void failedAndOmittedStepsFinishWithTheirStatus() {
        Pipeline pipeline = Pipeline.named("heard-failing").define(p -> {
            var fail = p.step("fail", new Fail());
            p.step("after", new Emit()).after(fail);
        });
        Recorder heard = new Recorder();
        run(pipeline, Isolation.IN_PROCESS, heard);

        assertThat(heard.of("fail"))
                .containsExactly(
                        "started fail Steps.Fail {reason=it had to}", "finished fail FAILED cached=false from=null {}");
        assertThat(heard.of("after")).containsExactly("finished after OMITTED cached=false from=null {}");
    }

    @Test
    void metricsArriveWhileTheStepStillRuns() {
        CountDownLatch release = ReportAndWait.nextRelease();
        Recorder heard = new Recorder() {
            @Override
            public synchronized void stepMetric(String path, StepMetric metric) {
                super.stepMetric(path, metric);
                release.countDown();
            }
        };
        RunResult result = run(
                Pipeline.named("live").define(p -> p.step("train", new ReportAndWait())), Isolation.IN_PROCESS, heard);

        assertThat(result.succeeded()).as(String.valueOf(result.step("train"))).isTrue();
        assertThat(heard.of("train"))
                .containsExactly(
                        "started train Steps.ReportAndWait {}",
                        "metric train progress=0.5@1",
                        "metric train progress=1.0@2",
                        "finished train SUCCEEDED cached=false from=null {}");
    }

    @Test
    void allTellsEveryListenerInOrder() {
        Recorder one = new Recorder();
        Recorder two = new Recorder();
        run(PIPELINE, Isolation.IN_PROCESS, RunListener.all(one, two));

        assertThat(one.events).hasSize(5).isEqualTo(two.events);
    }
}
