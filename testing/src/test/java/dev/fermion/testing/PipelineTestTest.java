package dev.fermion.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.runtime.local.StepStatus;
import dev.fermion.testing.TrainingPipeline.Deploy;
import dev.fermion.testing.TrainingPipeline.Evaluate;
import dev.fermion.testing.TrainingPipeline.Prepare;
import dev.fermion.testing.TrainingPipeline.Train;
import dev.fermion.types.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTestTest {
    @TempDir
    Path home;

    private static final StepDouble FAKE_TRAINING = step -> {
        Files.writeString(step.output(Train.MODEL).file("weights.txt"), "1.0");
        step.put(Train.LOSS, 0.1);
    };

    @Test
    void replacedStepsFeedTheRealOnesAndConditionsStillDecide() {
        List<Double> rates = new CopyOnWriteArrayList<>();
        PipelineResult result = PipelineTest.of(TrainingPipeline.PIPELINE)
                .home(home)
                .param("min-accuracy", 0.5)
                .replace("train", step -> {
                    rates.add(step.get(Train.LEARNING_RATE));
                    FAKE_TRAINING.run(step);
                })
                .replace("final-train", FAKE_TRAINING)
                .run()
                .assertSucceeded();

        assertThat(result.output("evaluate", Evaluate.ACCURACY)).isEqualTo(0.9);
        assertThat(result.output("deploy", Deploy.ENDPOINT)).isEqualTo("https://models.example/0.9");
        assertThat(result.output("prepare", Prepare.CLEAN_ROWS)).isEqualTo(98);
        assertThat(result.output("final-train", Train.MODEL)).isInstanceOf(Model.class);
        assertThat(rates).containsExactlyInAnyOrder(0.1, 0.01);
        result.assertRanBefore("prepare", "sweep/0/train")
                .assertRanBefore("sweep/1/train", "final-train")
                .assertRanBefore("final-train", "evaluate")
                .assertSucceeded("deploy");
        assertThat(result.executionOrder()).startsWith("prepare").endsWith("evaluate", "deploy");
    }

    @Test
    void stubsGiveFixedOutputsIncludingArtifacts(@TempDir Path model) throws Exception {
        Files.writeString(model.resolve("weights.txt"), "0.5");
        PipelineResult result = PipelineTest.of(TrainingPipeline.PIPELINE)
                .home(home)
                .stub("train", Train.MODEL, new Model(model))
                .stub("train", Train.LOSS, 0.3)
                .stub("final-train", Train.MODEL, new Model(model))
                .stub("final-train", Train.LOSS, 0.2)
                .run();

        result.assertSucceeded().assertSkipped("deploy");
        assertThat(result.output("evaluate", Evaluate.ACCURACY)).isEqualTo(0.4);
        assertThat(result.output("sweep/1/train", Train.LOSS)).isEqualTo(0.3);
        assertThat(result.status("deploy")).isEqualTo(StepStatus.SKIPPED);
    }

    @Test
    void assertionsExplainWhatHappened() {
        PipelineResult result =
                PipelineTest.of(TrainingPipeline.PIPELINE).home(home).run();

        assertThat(result.succeeded()).isFalse();
        assertThatThrownBy(result::assertSucceeded)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("real training needs a GPU cluster")
                .hasMessageContaining("last lines of the log");
        assertThatThrownBy(() -> result.output("evaluate", Evaluate.ACCURACY))
                .hasMessageContaining("step 'evaluate' has no outputs: it is omitted");
        assertThatThrownBy(() -> result.assertSkipped("prepare"))
                .hasMessageContaining("expected step 'prepare' to be skipped, but it is succeeded");
        assertThatThrownBy(() -> result.assertRanBefore("prepare", "evaluate"))
                .hasMessageContaining("step 'evaluate' did not run");
        assertThatThrownBy(() -> result.output("nope", Evaluate.ACCURACY))
                .hasMessageContaining("the run has no step 'nope'");
        result.assertFailed().assertFailed("sweep/0/train");
    }

    @Test
    void rejectsUnknownStepsAndParametersAndWrongTypes() {
        PipelineTest test = PipelineTest.of(TrainingPipeline.PIPELINE);
        assertThatThrownBy(() -> test.replace("trian", FAKE_TRAINING))
                .hasMessageContaining("no step 'trian'")
                .hasMessageContaining("final-train");
        assertThatThrownBy(() -> test.param("min-acc", 0.5)).hasMessageContaining("no parameter 'min-acc'");
        assertThatThrownBy(() -> test.param("rows", "many"))
                .hasMessageContaining("parameter 'rows' is a Integer, not String many");
        assertThatThrownBy(() -> test.stub("train", Train.LOSS, 0.1).replace("train", FAKE_TRAINING))
                .hasMessageContaining("already stubbed");
    }

    @Test
    void aStubThatMissesAnOutputFailsTheStepClearly(@TempDir Path model) {
        PipelineResult result = PipelineTest.of(TrainingPipeline.PIPELINE)
                .home(home)
                .replace("train", FAKE_TRAINING)
                .stub("final-train", Train.MODEL, new Model(model))
                .run();

        assertThatThrownBy(() -> result.assertSucceeded("final-train"))
                .hasMessageContaining("expected step 'final-train' to be succeeded, but it is failed")
                .hasMessageContaining("did not set output 'loss' (Double)");
    }
}
