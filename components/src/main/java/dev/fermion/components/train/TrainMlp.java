package dev.fermion.components.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.fermion.components.model.ActivationFunction;
import dev.fermion.components.model.Devices;
import dev.fermion.components.model.MlpArchitecture;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.model.Task;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.Printable;
import dev.fermion.components.table.Table;
import dev.fermion.components.table.TableSchema;
import dev.fermion.dsl.BadInputException;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.ValueType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a multi-layer perceptron classifier or regressor with DJL on the PyTorch engine, on the first
 * GPU when there is one and on the CPU otherwise. Inputs are the splits and the fitted preprocessing
 * from {@code PrepareCsv}; the output is a self-contained {@link ModelBundle}.
 *
 * <p>Each epoch visits the training rows in an order drawn from {@code seed}, and the weights are
 * initialised from the same seed, so a CPU run is reproducible. Training stops when the validation loss
 * has not improved for {@code patience} epochs, and the model keeps the weights of the best epoch.
 */
public final class TrainMlp extends Component {
    public static final Input<Dataset> TRAIN = input("train", Dataset.class);
    public static final Input<Dataset> VALIDATION =
            input("validation", Dataset.class).describedAs("held-out rows for early stopping");
    public static final Input<Directory> PREPROCESSING =
            input("preprocessing", Directory.class).describedAs("the 'preprocessing' output of PrepareCsv");
    public static final Input<Task> TASK = input("task", Task.class).defaultValue(Task.CLASSIFICATION);
    // The defaults suit the small tabular sets this step mostly sees (hundreds to thousands of rows) and train
    // them in about the time scikit-learn's MLPClassifier takes, to the same test accuracy or better
    // (bench/small-data): one layer of 100 units and batches of 200 rows as MLPClassifier has, a learning rate
    // high enough to converge in tens of epochs, halved whenever the validation loss stalls, weight decay
    // against fitting noise, and early stopping. With them the iris pipeline also matches LogisticRegression
    // on iris, wine and breast cancer (scripts/real-data-check.sh).
    public static final Input<List<Integer>> HIDDEN = input("hidden", ValueType.listOf(Integer.class))
            .defaultValue(List.of(100))
            .describedAs("units of each hidden layer");
    public static final Input<ActivationFunction> ACTIVATION =
            input("activation", ActivationFunction.class).defaultValue(ActivationFunction.RELU);
    public static final Input<OptimizerKind> OPTIMIZER =
            input("optimizer", OptimizerKind.class).defaultValue(OptimizerKind.ADAM);
    public static final Input<Double> LEARNING_RATE =
            input("learning-rate", Double.class).defaultValue(0.01).describedAs("learning rate of the first epochs");
    public static final Input<Double> LEARNING_RATE_DECAY = input("learning-rate-decay", Double.class)
            .defaultValue(0.5)
            .describedAs("factor the learning rate is multiplied by when the validation loss "
                    + "has not improved for 'learning-rate-patience' epochs; 1 keeps it constant");
    public static final Input<Integer> LEARNING_RATE_PATIENCE = input("learning-rate-patience", Integer.class)
            .defaultValue(5)
            .describedAs("epochs without a better validation loss before the learning rate drops");
    public static final Input<Double> MOMENTUM =
            input("momentum", Double.class).defaultValue(0.9).describedAs("momentum of SGD; ignored by Adam");
    public static final Input<Double> WEIGHT_DECAY = input("weight-decay", Double.class)
            .defaultValue(0.003)
            .describedAs("L2 penalty on the weights; it keeps a network from fitting the noise of a small data set");
    public static final Input<Integer> BATCH_SIZE = input("batch-size", Integer.class)
            .defaultValue(200)
            .describedAs("rows per optimizer step; a training split of fewer rows is one batch");
    public static final Input<Integer> EPOCHS = input("epochs", Integer.class)
            .defaultValue(500)
            .describedAs("maximum number of passes over the training rows");
    public static final Input<Integer> PATIENCE = input("patience", Integer.class)
            .defaultValue(20)
            .describedAs("epochs without a better validation loss before training stops");
    public static final Input<Integer> SEED = input("seed", Integer.class).defaultValue(42);
    // libtorch computes each operation with one thread per core by default. For networks this small that is
    // no faster than one, and on a machine busy with other work each operation waits for threads that have no
    // core: the breast-cancer set took 58 s with two threads at load 20 and 3.5 s with one.
    // It is an input, not a setting of the runner, because the count can change the last bits of what is
    // trained (libtorch may split a sum another way), and so belongs in the step's cache key.
    public static final Input<Integer> THREADS = input("threads", Integer.class)
            .defaultValue(1)
            .describedAs("CPU threads libtorch computes each operation with (a setting of the whole process); "
                    + "more help only wide networks on large batches");

    public static final Output<dev.fermion.types.Model> MODEL = output("model", dev.fermion.types.Model.class);
    public static final Output<Double> BEST_VALIDATION_LOSS = output("best-validation-loss", Double.class);
    public static final Output<Double> FINAL_TRAIN_LOSS = output("final-train-loss", Double.class)
            .describedAs("training loss of the epoch whose weights the model keeps");
    public static final Output<Integer> EPOCHS_RUN = output("epochs-run", Integer.class);
    public static final Output<Integer> BEST_EPOCH = output("best-epoch", Integer.class);
    public static final Output<String> DEVICE = output("device", String.class);

    @Override
    protected void run(StepContext ctx) throws Exception {
        Task task = ctx.get(TASK);
        int batchSize = positive(ctx.get(BATCH_SIZE), BATCH_SIZE);
        int epochs = positive(ctx.get(EPOCHS), EPOCHS);
        int patience = positive(ctx.get(PATIENCE), PATIENCE);
        int ratePatience = positive(ctx.get(LEARNING_RATE_PATIENCE), LEARNING_RATE_PATIENCE);
        double rateDecay = ctx.get(LEARNING_RATE_DECAY);
        if (!(rateDecay > 0 && rateDecay <= 1)) {
            throw new BadInputException("Input 'learning-rate-decay' must be above 0 and at most 1 (1 keeps the "
                    + "learning rate constant), got " + rateDecay);
        }
        double learningRate = ctx.get(LEARNING_RATE);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new BadInputException("Input 'learning-rate' must be a finite number above 0, got " + learningRate);
        }
        double weightDecay = ctx.get(WEIGHT_DECAY);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new BadInputException("Input 'weight-decay' must be a finite number, 0 or above, got " + weightDecay);
        }
        List<Integer> hidden = ctx.get(HIDDEN);
        if (hidden.stream().anyMatch(units -> units == null || units < 1)) {
            throw new BadInputException("Input 'hidden' lists the units of each hidden layer, each at least 1, got "
                    + hidden + "; an empty list trains a network without hidden layers");
        }
        int seed = ctx.get(SEED);
        int threads = positive(ctx.get(THREADS), THREADS);

        Directory preprocessingDir = ctx.get(PREPROCESSING);
        Preprocessing preprocessing = Preprocessing.read(preprocessingDir.path());
        TableSchema schema = TableSchema.read(preprocessingDir.path())
                .orElseThrow(() -> new BadInputException(preprocessingDir.path() + " has no " + TableSchema.FILE
                        + ": pass the 'preprocessing' output of PrepareCsv"));
        if (preprocessing.width() == 0) {
            throw new BadInputException(
                    preprocessingDir.path() + " transforms no feature column, so there is nothing to "
                            + "train on; give PrepareCsv's 'features' at least one column besides the label and the id");
        }
        if (task == Task.REGRESSION && preprocessing.labelType() != ColumnType.NUMERIC) {
            throw new BadInputException("Regression needs a numeric label, but '" + preprocessing.label() + "' is "
                    + preprocessing.labelType() + "; declare it numeric in PrepareCsv's schema or train a classifier");
        }
        Table trainTable = Table.readDataset(ctx.get(TRAIN).path());
        Table validationTable = Table.readDataset(ctx.get(VALIDATION).path());
        List<String> classes =
                task == Task.CLASSIFICATION ? TrainingData.classes(trainTable, preprocessing.label()) : List.of();
        if (task == Task.CLASSIFICATION && classes.size() < 2) {
            throw new BadInputException("The training split " + trainTable.file() + " has " + classes.size()
                    + " distinct value(s) of label '" + preprocessing.label() + "' " + Printable.list(classes)
                    + "; a classifier needs at least two: check the label column, the split ratios and the rejects "
                    + "of PrepareCsv, or train a regressor ('task': REGRESSION)");
        }
        TrainingData train = TrainingData.of(trainTable, preprocessing, task, classes);
        TrainingData validation = TrainingData.of(validationTable, preprocessing, task, classes);
        if (train.size() == 0 || validation.size() == 0) {
            throw new BadInputException("The training split " + trainTable.file() + " has " + train.size()
                    + " rows and the validation split " + validationTable.file() + " " + validation.size()
                    + "; both need rows: check PrepareCsv's 'train-ratio' and 'validation-ratio' and its rejects");
        }

        double center = 0;
        double scale = 1;
        if (task == Task.REGRESSION) {
            center = mean(train.targets());
            double std = Math.sqrt(mean(squaredDeviations(train.targets(), center)));
            scale = std > 0 ? std : 1;
        }
        MlpArchitecture architecture = new MlpArchitecture(
                task,
                preprocessing.width(),
                hidden,
                ctx.get(ACTIVATION),
                task == Task.CLASSIFICATION ? classes.size() : 1,
                center,
                scale);

        Device device = Devices.best();
        if (!device.isGpu()) {
            JniUtils.setNumThreads(threads);
        }
        ctx.log(
                "Training %s MLP %d -> %s -> %d on %s (%s %s), %d training and %d validation rows",
                task,
                architecture.inputs(),
                architecture.hidden(),
                architecture.outputs(),
                device,
                Engine.getInstance().getEngineName(),
                Engine.getInstance().getVersion(),
                train.size(),
                validation.size());

        TrainingLoop.Settings settings = new TrainingLoop.Settings(
                ctx.get(OPTIMIZER), learningRate, ctx.get(MOMENTUM), weightDecay, batchSize, seed);
        try (Model model = Model.newInstance("mlp", device)) {
            Result result;
            try (TrainingLoop loop = new TrainingLoop(
                            model,
                            architecture,
                            settings,
                            train.features(),
                            train.scaled(center, scale).targets());
                    TrainingLoop.Holdout holdout = loop.holdout(
                            validation.features(),
                            validation.scaled(center, scale).targets())) {
                result = fit(
                        ctx,
                        loop,
                        holdout,
                        task,
                        new Schedule(epochs, patience, learningRate, rateDecay, ratePatience));
            }
            ctx.log(
                    "Stopped after %d epochs; best validation loss %.5f at epoch %d",
                    result.epochsRun(), result.bestValidationLoss(), result.bestEpoch());
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("best-validation-loss", result.bestValidationLoss());
            summary.put("best-epoch", result.bestEpoch());
            summary.put("epochs-run", result.epochsRun());
            summary.put("device", device.toString());
            summary.put("seed", seed);
            summary.put("training-rows", train.size());
            ModelBundle bundle = new ModelBundle(
                    new ModelBundle.Manifest(
                            ModelBundle.FORMAT,
                            task,
                            "djl-" + Engine.getInstance().getEngineName().toLowerCase(java.util.Locale.ROOT),
                            summary),
                    architecture,
                    preprocessing,
                    classes,
                    schema);
            bundle.write(ctx.output(MODEL).path(), model);

            ctx.put(BEST_VALIDATION_LOSS, result.bestValidationLoss());
            ctx.put(FINAL_TRAIN_LOSS, result.trainLossAtBest());
            ctx.put(EPOCHS_RUN, result.epochsRun());
            ctx.put(BEST_EPOCH, result.bestEpoch());
            ctx.put(DEVICE, device.toString());
        }
    }

    private record Result(double bestValidationLoss, double trainLossAtBest, int bestEpoch, int epochsRun) {}

    /** When training stops, and how its learning rate falls. */
    private record Schedule(int epochs, int patience, double learningRate, double decay, int ratePatience) {}

    /**
     * Trains until the validation loss has not improved for {@code patience} epochs, multiplying the learning
     * rate by {@code decay} after every {@code ratePatience} of them, and keeps the weights of the best epoch.
     */
    private static Result fit(
            StepContext ctx, TrainingLoop loop, TrainingLoop.Holdout validation, Task task, Schedule schedule) {
        double best = Double.POSITIVE_INFINITY;
        double trainLossAtBest = Double.NaN;
        int bestEpoch = 0;
        double rate = schedule.learningRate();
        int epoch = 0;
        ctx.metric("learning-rate", rate, 1);
        while (epoch < schedule.epochs() && epoch - bestEpoch < schedule.patience()) {
            epoch++;
            double trainLoss = loop.epoch();
            TrainingLoop.Evaluation evaluation = loop.evaluate(validation);
            ctx.metric("train-loss", trainLoss, epoch);
            ctx.metric("val-loss", evaluation.loss(), epoch);
            if (task == Task.CLASSIFICATION) {
                ctx.metric("val-accuracy", evaluation.accuracy(), epoch);
            }
            if (!Double.isFinite(trainLoss) || !Double.isFinite(evaluation.loss())) {
                // Training is seeded and reproducible: the same inputs diverge again, so a retry cannot help.
                throw new BadInputException("Training diverged at epoch " + epoch + " (training loss " + trainLoss
                        + ", validation loss " + evaluation.loss() + "); lower 'learning-rate', or check the data "
                        + "for extreme values");
            }
            if (evaluation.loss() < best) {
                best = evaluation.loss();
                trainLossAtBest = trainLoss;
                bestEpoch = epoch;
                loop.keepWeights();
            } else if (schedule.decay() < 1 && (epoch - bestEpoch) % schedule.ratePatience() == 0) {
                rate *= schedule.decay();
                loop.learningRate(rate);
                ctx.metric("learning-rate", rate, epoch + 1);
            }
        }
        loop.restoreWeights();
        return new Result(best, trainLossAtBest, bestEpoch, epoch);
    }

    private static int positive(int value, Input<Integer> input) {
        if (value < 1) {
            throw new BadInputException("Input '" + input.name() + "' must be at least 1, got " + value);
        }
        return value;
    }

    private static double mean(float[] xs) {
        double sum = 0;
        for (float x : xs) {
            sum += x;
        }
        return sum / xs.length;
    }

    private static float[] squaredDeviations(float[] xs, double center) {
        float[] out = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = (float) ((xs[i] - center) * (xs[i] - center));
        }
        return out;
    }
}
