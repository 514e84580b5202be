package dev.fermion.examples.sweep;

import dev.fermion.components.data.PrepareCsv;
import dev.fermion.components.evaluate.EvaluateClassifier;
import dev.fermion.components.train.TrainMlp;
import dev.fermion.dsl.FermionPipeline;
import dev.fermion.dsl.Param;
import dev.fermion.dsl.Pipeline;
import dev.fermion.examples.iris.IrisPipeline;
import dev.fermion.types.ValueType;
import java.util.List;

/**
 * A learning-rate sweep: prepare once, train one model per learning rate in parallel, collect every
 * trial's best validation loss (fan-in), pick the best rate, retrain with it and evaluate on the test split.
 * Training is seeded, so the retrained model is the winning trial's model.
 */
public final class SweepPipeline {
    @FermionPipeline
    public static Pipeline sweep() {
        return Pipeline.named("sweep")
                .experiment("iris-sweep")
                .description("Hyper-parameter sweep over the learning rate, picking the best by validation loss")
                .defaults(d -> d.cpu("1").memory("2Gi"))
                .define(p -> {
                    Param<String> source = p.param("source", IrisPipeline.DATA);
                    Param<String> label = p.param("label", "species");
                    Param<List<Double>> rates = p.param(
                            "learning-rates",
                            ValueType.listOf(Double.class),
                            List.of(0.001, 0.003, 0.01, 0.03, 0.1),
                            "learning rates to try");
                    Param<Integer> epochs = p.param("epochs", 150);

                    var prepare = p.step("prepare", new PrepareCsv())
                            .with(PrepareCsv.SOURCE, source)
                            .with(PrepareCsv.LABEL, label)
                            .with(PrepareCsv.STRATIFY, true);
                    var grid = p.forEach(
                                    "grid",
                                    rates,
                                    (trial, rate) -> trial.step("trial", new TrainMlp())
                                            .with(TrainMlp.TRAIN, prepare.out(PrepareCsv.TRAIN))
                                            .with(TrainMlp.VALIDATION, prepare.out(PrepareCsv.VALIDATION))
                                            .with(TrainMlp.PREPROCESSING, prepare.out(PrepareCsv.PREPROCESSING))
                                            .with(TrainMlp.LEARNING_RATE, rate)
                                            .with(TrainMlp.EPOCHS, epochs))
                            .parallelism(3);
                    var pick = p.step("pick-best", new PickBest())
                            .with(PickBest.CANDIDATES, rates)
                            .with(PickBest.SCORES, grid.collect(TrainMlp.BEST_VALIDATION_LOSS));
                    var best = p.step("train-best", new TrainMlp())
                            .with(TrainMlp.TRAIN, prepare.out(PrepareCsv.TRAIN))
                            .with(TrainMlp.VALIDATION, prepare.out(PrepareCsv.VALIDATION))
                            .with(TrainMlp.PREPROCESSING, prepare.out(PrepareCsv.PREPROCESSING))
                            .with(TrainMlp.LEARNING_RATE, pick.out(PickBest.BEST))
                            .with(TrainMlp.EPOCHS, epochs);
                    var evaluate = p.step("evaluate", new EvaluateClassifier())
                            .with(EvaluateClassifier.MODEL, best.out(TrainMlp.MODEL))
                            .with(EvaluateClassifier.DATA, prepare.out(PrepareCsv.TEST));
                    p.result("best-learning-rate", pick.out(PickBest.BEST));
                    p.result("best-validation-loss", pick.out(PickBest.BEST_SCORE));
                    p.result("accuracy", evaluate.out(EvaluateClassifier.ACCURACY));
                });
    }
}
