package dev.fermion.components;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.components.data.PrepareCsv;
import dev.fermion.components.evaluate.EvaluateClassifier;
import dev.fermion.components.evaluate.EvaluateRegressor;
import dev.fermion.components.predict.BatchPredict;
import dev.fermion.components.preprocess.Scaling;
import dev.fermion.components.publish.PublishModel;
import dev.fermion.components.train.TrainMlp;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.Step;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The components' ports are valid DSL ports and wire together as the README shows. */
class PipelineWiringTest {
    @Test
    void theReadmePipelinePlans() {
        Pipeline pipeline = Pipeline.named("iris").define(p -> {
            Step<PrepareCsv> prepare = p.step("prepare", new PrepareCsv())
                    .with(PrepareCsv.SOURCE, "data/iris.csv")
                    .with(PrepareCsv.LABEL, "species")
                    .with(PrepareCsv.STRATIFY, true)
                    .with(PrepareCsv.SCALING, Scaling.MIN_MAX)
                    .with(PrepareCsv.RANGES, Map.of("sepal_length", "0..20"))
                    .with(PrepareCsv.BEAM_OPTIONS, List.of("--targetParallelism=2"));
            Step<TrainMlp> train = p.step("train", new TrainMlp())
                    .with(TrainMlp.TRAIN, prepare.out(PrepareCsv.TRAIN))
                    .with(TrainMlp.VALIDATION, prepare.out(PrepareCsv.VALIDATION))
                    .with(TrainMlp.PREPROCESSING, prepare.out(PrepareCsv.PREPROCESSING))
                    .with(TrainMlp.HIDDEN, List.of(16, 8));
            Step<EvaluateClassifier> evaluate = p.step("evaluate", new EvaluateClassifier())
                    .with(EvaluateClassifier.MODEL, train.out(TrainMlp.MODEL))
                    .with(EvaluateClassifier.DATA, prepare.out(PrepareCsv.TEST));
            p.when(
                    evaluate.out(EvaluateClassifier.ACCURACY).atLeast(0.9),
                    b -> b.step("publish", new PublishModel())
                            .with(PublishModel.MODEL, train.out(TrainMlp.MODEL))
                            .with(PublishModel.NAME, "iris"));
        });
        assertThat(pipeline.plan()).isNotNull();
    }

    @Test
    void everyComponentDeclaresItsPorts() {
        for (Component component : List.of(
                new PrepareCsv(),
                new TrainMlp(),
                new EvaluateClassifier(),
                new EvaluateRegressor(),
                new BatchPredict(),
                new PublishModel())) {
            assertThat(component.ports().inputs()).isNotEmpty();
            assertThat(component.ports().outputs()).isNotEmpty();
        }
        assertThat(new PrepareCsv().ports().output("rejected-rows")).isPresent();
    }
}
