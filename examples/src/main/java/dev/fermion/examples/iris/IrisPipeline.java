package dev.fermion.examples.iris;

import dev.fermion.components.data.PrepareCsv;
import dev.fermion.components.evaluate.EvaluateClassifier;
import dev.fermion.components.train.TrainMlp;
import dev.fermion.deploy.Deploy;
import dev.fermion.deploy.DeployTarget;
import dev.fermion.dsl.FermionPipeline;
import dev.fermion.dsl.Param;
import dev.fermion.dsl.Pipeline;
import dev.fermion.types.ValueType;
import java.time.Duration;
import java.util.List;

/**
 * The iris classifier: prepare the CSV, train an MLP, evaluate it on the held-out test split, and only if
 * its accuracy reaches {@code min-accuracy} deploy it to a local {@code fermion-serve}, which answers a
 * real prediction before the step succeeds and stops when the run ends ({@code -p keep-running=true} keeps
 * it, and a later run of the same model finds it up to date). Data source, label and feature columns are
 * parameters, so the same pipeline trains on any numeric CSV:
 * {@code ./fermion run iris -p source=wine.csv -p label=target}.
 *
 * <p>On a cluster, {@code fermion submit iris -p deploy-target=KUBERNETES} deploys the model as a Deployment
 * and Service in the workflow's namespace; the deploy step runs as the service account
 * {@value #DEPLOYER}, which needs the Role of {@code KubernetesDeployment.deployerRbac} there.
 */
public final class IrisPipeline {
    /** examples/data/iris.csv, read from the examples' jar (see examples/pom.xml), so it is there wherever a step runs. */
    public static final String DATA = "resource:/fermion/examples/iris.csv";
    /** The service account of the deploy step: the only step that may change objects of the namespace. */
    public static final String DEPLOYER = "fermion-deployer";

    @FermionPipeline
    public static Pipeline iris() {
        return Pipeline.named("iris")
                .experiment("iris")
                .description("Train, evaluate and deploy an iris species classifier")
                .defaults(d -> d.cpu("1").memory("2Gi").retries(2))
                .define(p -> {
                    Param<String> source = p.param("source", DATA);
                    Param<String> label = p.param("label", "species");
                    Param<List<String>> features = p.param(
                            "features",
                            ValueType.listOf(String.class),
                            List.of(),
                            "feature columns; empty means every column but the label");
                    Param<Integer> epochs = p.param("epochs", 200);
                    Param<Integer> seed = p.param("seed", 42);
                    Param<Double> minAccuracy = p.param("min-accuracy", 0.9);
                    Param<Boolean> keepRunning = p.param(
                            "keep-running",
                            ValueType.of(Boolean.class),
                            false,
                            "keep the local model server after the run ends");
                    Param<DeployTarget> deployTarget = p.param(
                            "deploy-target",
                            ValueType.of(DeployTarget.class),
                            DeployTarget.LOCAL,
                            "LOCAL: a model server on this machine; KUBERNETES: a Deployment and "
                                    + "Service in the workflow's namespace");

                    var prepare = p.step("prepare", new PrepareCsv())
                            .with(PrepareCsv.SOURCE, source)
                            .with(PrepareCsv.LABEL, label)
                            .with(PrepareCsv.FEATURES, features)
                            .with(PrepareCsv.STRATIFY, true)
                            .with(PrepareCsv.SEED, seed);
                    var train = p.step("train", new TrainMlp())
                            .with(TrainMlp.TRAIN, prepare.out(PrepareCsv.TRAIN))
                            .with(TrainMlp.VALIDATION, prepare.out(PrepareCsv.VALIDATION))
                            .with(TrainMlp.PREPROCESSING, prepare.out(PrepareCsv.PREPROCESSING))
                            .with(TrainMlp.EPOCHS, epochs)
                            .with(TrainMlp.SEED, seed)
                            .memory("4Gi")
                            .timeout(Duration.ofHours(2));
                    var evaluate = p.step("evaluate", new EvaluateClassifier())
                            .with(EvaluateClassifier.MODEL, train.out(TrainMlp.MODEL))
                            .with(EvaluateClassifier.DATA, prepare.out(PrepareCsv.TEST));
                    p.result("accuracy", evaluate.out(EvaluateClassifier.ACCURACY));
                    p.result("macro-f1", evaluate.out(EvaluateClassifier.MACRO_F1));
                    p.when(
                            evaluate.out(EvaluateClassifier.ACCURACY).atLeast(minAccuracy),
                            b -> b.step("deploy", new Deploy())
                                    .with(Deploy.MODEL, train.out(TrainMlp.MODEL))
                                    .with(Deploy.NAME, "iris")
                                    .with(Deploy.TARGET, deployTarget)
                                    .with(Deploy.KEEP_RUNNING, keepRunning)
                                    .serviceAccount(DEPLOYER));
                });
    }
}
