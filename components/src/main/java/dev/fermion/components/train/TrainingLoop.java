package dev.fermion.components.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.fermion.components.model.MlpArchitecture;
import dev.fermion.components.model.Task;
import dev.fermion.dsl.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * TrainMlp's training loop without the step around it (reading splits, early stopping, writing the bundle),
 * so that it can also be driven on rows in memory: {@code bench/train} measures this class against PyTorch.
 *
 * <p>The weights are initialised from {@code seed} and each epoch visits the rows in an order drawn from it,
 * so a CPU run is reproducible. Every random number comes from the loop's own generator and gradients are
 * recorded per thread, so any number of loops train at once in one process, each exactly as it would alone.
 */
public final class TrainingLoop implements AutoCloseable {
    /** Held-out rows evaluated in one forward pass, at most. */
    private static final int HOLDOUT_CHUNK = 8192;

    /** How the weights are fitted; TrainMlp's inputs of the same names describe each field. */
    public record Settings(
            OptimizerKind optimizer,
            double learningRate,
            double momentum,
            double weightDecay,
            int batchSize,
            int seed) {}

    /** Mean loss over a set of rows and, for classifiers, the share predicted right. */
    public record Evaluation(double loss, double accuracy) {}

    private final Trainer trainer;
    private final Task task;
    private final int batchSize;
    private final Random random;
    private final int[] order;
    private final long[] batchStarts;
    // The rows live on the device for the whole run: an epoch gathers them in its order once and trains on
    // views of that, instead of building every batch from Java arrays.
    private final NDArray features;
    private final NDArray targets;
    private NDManager kept;
    private List<NDArray> keptWeights;
    /** The optimizer's learning rate, which {@link #learningRate(double)} changes between epochs. */
    private final Rate rate;

    /**
     * Gives {@code model} a freshly initialised network of {@code architecture} to train on the given rows.
     * The caller keeps the model (to save it) and closes it after this loop.
     *
     * @param targets class indices for a classifier, standardised values for a regressor
     */
    public TrainingLoop(
            Model model, MlpArchitecture architecture, Settings settings, float[][] features, float[] targets) {
        if (targets.length == 0 || features.length != targets.length) {
            throw new BadInputException("Training needs rows, each with features and a target; got " + features.length
                    + " rows of features and " + targets.length + " targets");
        }
        this.task = architecture.task();
        this.batchSize = settings.batchSize();
        this.random = new Random(settings.seed());
        this.order = new int[targets.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        this.batchStarts = new long[(targets.length - 1) / batchSize];
        for (int i = 0; i < batchStarts.length; i++) {
            batchStarts[i] = (long) (i + 1) * batchSize;
        }
        this.rate = new Rate((float) settings.learningRate());
        model.setBlock(architecture.build());
        Loss loss =
                task == Task.CLASSIFICATION ? Loss.softmaxCrossEntropyLoss("cross-entropy") : Loss.l2Loss("mse", 1f);
        DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                .optOptimizer(optimizer(settings, rate))
                .optDevices(new Device[] {model.getNDManager().getDevice()})
                .optInitializer(new SeededInitializer(random), Parameter.Type.WEIGHT);
        trainer = model.newTrainer(config);
        trainer.initialize(new Shape(1, architecture.inputs()));
        NDManager manager = trainer.getManager();
        this.features = manager.create(features);
        this.targets = task == Task.CLASSIFICATION ? classIndices(manager, targets) : manager.create(targets);
    }

    /** One pass over the rows in a fresh order, one optimizer step per batch; returns the mean loss. */
    public double epoch() {
        shuffle(order, random);
        try (NDManager pass = trainer.getManager().newSubManager()) {
            NDIndex shuffled = new NDIndex("{}", pass.create(order));
            NDList inputs = features.get(pass, shuffled).split(batchStarts, 0);
            NDList labels = targets.get(pass, shuffled).split(batchStarts, 0);
            // Read back once per epoch rather than per batch: each read is a copy out of the engine (and on a GPU
            // a wait for the batch to finish), while the losses themselves can stay where they were computed.
            NDList losses = new NDList(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                try (NDManager batch = pass.newSubManager()) {
                    NDList input = new NDList(inputs.get(i));
                    NDList label = new NDList(labels.get(i));
                    // Every array computed from the batch lands in the batch's manager, freed after its step.
                    input.attach(batch);
                    label.attach(batch);
                    try (ThreadGradients gradients = new ThreadGradients()) {
                        NDArray value = trainer.getLoss().evaluate(label, trainer.forward(input));
                        gradients.backward(value);
                        NDArray detached = value.stopGradient();
                        detached.attach(pass);
                        losses.add(detached);
                    }
                    trainer.step();
                }
            }
            float[] batchLosses = NDArrays.stack(losses).toFloatArray();
            double lossSum = 0;
            for (int i = 0; i < batchLosses.length; i++) {
                int rows = Math.min(order.length, (i + 1) * batchSize) - i * batchSize;
                lossSum += batchLosses[i] * rows;
            }
            return lossSum / order.length;
        }
    }

    /**
     * Rows to evaluate on after every epoch (the validation split), put on the device once, so that an
     * evaluation copies nothing in and reads back two numbers.
     */
    public final class Holdout implements AutoCloseable {
        private final NDManager manager;
        private final NDList features;
        private final NDList targets;
        private final int rows;

        private Holdout(float[][] rowFeatures, float[] rowTargets) {
            if (rowTargets.length == 0 || rowFeatures.length != rowTargets.length) {
                throw new BadInputException("Evaluation needs rows, each with features and a target; got "
                        + rowFeatures.length + " rows of features and " + rowTargets.length + " targets");
            }
            manager = trainer.getManager().newSubManager();
            rows = rowTargets.length;
            NDArray allFeatures = manager.create(rowFeatures);
            NDArray allTargets =
                    task == Task.CLASSIFICATION ? classIndices(manager, rowTargets) : manager.create(rowTargets);
            // Chunks bound the memory a forward pass over a large split takes.
            long[] starts = new long[(rows - 1) / HOLDOUT_CHUNK];
            for (int i = 0; i < starts.length; i++) {
                starts[i] = (long) (i + 1) * HOLDOUT_CHUNK;
            }
            features = allFeatures.split(starts, 0);
            targets = allTargets.split(starts, 0);
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** Holds {@code rowTargets} (class indices or standardised values) and their features on the device. */
    public Holdout holdout(float[][] rowFeatures, float[] rowTargets) {
        return new Holdout(rowFeatures, rowTargets);
    }

    /** Mean loss and, for a classifier, accuracy on held-out rows, without touching gradients. */
    public Evaluation evaluate(Holdout holdout) {
        try (NDManager pass = trainer.getManager().newSubManager()) {
            NDArray lossSum = null;
            NDArray correct = null;
            for (int i = 0; i < holdout.features.size(); i++) {
                NDList input = new NDList(holdout.features.get(i));
                NDList labels = new NDList(holdout.targets.get(i));
                // Lent to this pass, so that every array computed from them is freed with it, and then returned.
                input.tempAttach(pass);
                labels.tempAttach(pass);
                NDList predictions = trainer.evaluate(input);
                NDArray loss = trainer.getLoss()
                        .evaluate(labels, predictions)
                        .mul(labels.head().getShape().get(0));
                lossSum = lossSum == null ? loss : lossSum.add(loss);
                if (task == Task.CLASSIFICATION) {
                    NDArray right = predictions
                            .singletonOrThrow()
                            .argMax(1)
                            .eq(labels.head().reshape(-1))
                            .sum()
                            .toType(DataType.FLOAT32, false);
                    correct = correct == null ? right : correct.add(right);
                }
            }
            float[] sums = (correct == null ? lossSum.reshape(1) : NDArrays.stack(new NDList(lossSum, correct)))
                    .toFloatArray();
            return new Evaluation(
                    (double) sums[0] / holdout.rows, correct == null ? 0 : (double) sums[1] / holdout.rows);
        }
    }

    /** Keeps a copy of the current weights on the device, in place of the copy kept before. */
    public void keepWeights() {
        NDManager copies = trainer.getManager().newSubManager();
        List<NDArray> arrays = new ArrayList<>();
        for (Pair<String, Parameter> parameter : trainer.getModel().getBlock().getParameters()) {
            NDArray copy = parameter.getValue().getArray().duplicate();
            copy.attach(copies);
            arrays.add(copy);
        }
        if (kept != null) {
            kept.close();
        }
        kept = copies;
        keptWeights = arrays;
    }

    /** Puts back the weights {@link #keepWeights} copied last. */
    public void restoreWeights() {
        if (keptWeights == null) {
            throw new IllegalStateException("No weights were kept");
        }
        int i = 0;
        for (Pair<String, Parameter> parameter : trainer.getModel().getBlock().getParameters()) {
            keptWeights.get(i++).copyTo(parameter.getValue().getArray());
        }
    }

    @Override
    public void close() {
        trainer.close();
    }

    /**
     * Class indices as the column of 64-bit integers that DJL's softmax cross-entropy gathers with, so that it
     * need not reshape and convert the labels of every batch.
     */
    private static NDArray classIndices(NDManager manager, float[] targets) {
        long[] indices = new long[targets.length];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = (long) targets[i];
        }
        return manager.create(indices, new Shape(indices.length, 1));
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** Sets the learning rate of the steps from now on, such as a lower one when training stalls. */
    public void learningRate(double value) {
        rate.value = (float) value;
    }

    /** A learning rate the loop can change between epochs; DJL's trackers follow a fixed plan. */
    private static final class Rate implements Tracker {
        private float value;

        Rate(float value) {
            this.value = value;
        }

        @Override
        public float getNewValue(int numUpdate) {
            return value;
        }
    }

    private static Optimizer optimizer(Settings settings, Tracker rate) {
        float weightDecay = (float) settings.weightDecay();
        switch (settings.optimizer()) {
            case ADAM:
                return Optimizer.adam()
                        .optLearningRateTracker(rate)
                        .optWeightDecays(weightDecay)
                        .build();
            case SGD:
                return Optimizer.sgd()
                        .setLearningRateTracker(rate)
                        .optMomentum((float) settings.momentum())
                        .optWeightDecays(weightDecay)
                        .build();
            default:
                throw new IllegalStateException("Unhandled optimizer " + settings.optimizer());
        }
    }
}
