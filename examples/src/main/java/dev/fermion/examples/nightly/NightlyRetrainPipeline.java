package dev.fermion.examples.nightly;

import dev.fermion.components.data.PrepareCsv;
import dev.fermion.components.evaluate.EvaluateClassifier;
import dev.fermion.components.publish.PublishModel;
import dev.fermion.components.train.TrainMlp;
import dev.fermion.dsl.FermionPipeline;
import dev.fermion.dsl.Param;
import dev.fermion.dsl.Pipeline;
import dev.fermion.examples.iris.IrisPipeline;
import dev.fermion.plan.Schedule;
import dev.fermion.plan.SecretRef;
import dev.fermion.plan.Toleration;
import java.time.Duration;

/**
 * Retrains the classifier every night at 02:30 Berlin time on the latest data, trains on a GPU node,
 * promotes the model only when it beats the quality bar, and always reports the outcome.
 * Compile it with {@code ./fermion compile nightly-retrain --kind cron}.
 */
public final class NightlyRetrainPipeline {
    @FermionPipeline
    public static Pipeline nightlyRetrain() {
        return Pipeline.named("nightly-retrain")
                .experiment("iris-nightly")
                .description("Nightly retraining with a quality gate")
                .schedule(Schedule.cron("30 2 * * *")
                        .timezone("Europe/Berlin")
                        .startingDeadline(Duration.ofHours(1))
                        .keepHistory(7, 14))
                .defaults(d -> d.cpu("1")
                        .memory("2Gi")
                        .retries(2)
                        .cached(Duration.ofHours(20))
                        .secretEnv("MLFLOW_TRACKING_TOKEN", SecretRef.of("mlflow-credentials", "token"))
                        .label("team", "ml-platform"))
                .define(p -> {
                    Param<String> source = p.param("source", IrisPipeline.DATA);
                    Param<String> label = p.param("label", "species");
                    Param<Double> minAccuracy = p.param("min-accuracy", 0.93);

                    var prepare = p.step("prepare", new PrepareCsv())
                            .with(PrepareCsv.SOURCE, source)
                            .with(PrepareCsv.LABEL, label)
                            .with(PrepareCsv.STRATIFY, true);
                    var train = p.step("train", new TrainMlp())
                            .with(TrainMlp.TRAIN, prepare.out(PrepareCsv.TRAIN))
                            .with(TrainMlp.VALIDATION, prepare.out(PrepareCsv.VALIDATION))
                            .with(TrainMlp.PREPROCESSING, prepare.out(PrepareCsv.PREPROCESSING))
                            .gpus(1)
                            .memory("8Gi")
                            .toleration(Toleration.gpuNodes())
                            .nodeSelector("accelerator", "nvidia")
                            .timeout(Duration.ofHours(3));
                    var evaluate = p.step("evaluate", new EvaluateClassifier())
                            .with(EvaluateClassifier.MODEL, train.out(TrainMlp.MODEL))
                            .with(EvaluateClassifier.DATA, prepare.out(PrepareCsv.TEST));
                    p.when(
                            evaluate.out(EvaluateClassifier.ACCURACY).atLeast(minAccuracy),
                            b -> b.step("promote", new PublishModel())
                                    .with(PublishModel.MODEL, train.out(TrainMlp.MODEL))
                                    .with(PublishModel.NAME, "iris-nightly"));
                    p.onExit(exit -> exit.step("report", new ReportOutcome())
                            .with(ReportOutcome.PIPELINE, "nightly-retrain")
                            .with(ReportOutcome.STATUS, exit.status()));
                });
    }
}
