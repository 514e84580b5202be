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
import dev.fermion.components.model.MlpArchitecture;
import dev.fermion.components.model.Task;
import dev.fermion.dsl.BadInputException;

import java.util.Arrays;
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
    /** How the weights are fitted; TrainMlp's inputs of the same names describe each field. */
    public record Settings(OptimizerKind optimizer, double learningRate, double momentum, double weightDecay,
                           int batchSize, int seed) {
    }

    /** Mean loss over a set of rows and, for classifiers, the share predicted right. */
    public record Evaluation(double loss, double accuracy) {
    }

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

    /**
     * Gives {@code model} a freshly initialised network of {@code architecture} to train on the given rows.
     * The caller keeps the model (to save it) and closes it after this loop.
     *
     * @param targets class indices for a classifier, standardised values for a regressor
     */
    public TrainingLoop(Model model, MlpArchitecture architecture, Settings settings, float[][] features,
                        float[] targets) {
        if (targets.length == 0 || features.length != targets.length) {
            throw new BadInputException("Training needs rows, each with features and a target; got "
                    + features.length + " rows of features and " + targets.length + " targets");
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
        model.setBlock(architecture.build());
        Loss loss = task == Task.CLASSIFICATION ? Loss.softmaxCrossEntropyLoss("cross-entropy")
                : Loss.l2Loss("mse", 1f);
        DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                .optOptimizer(optimizer(settings))
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

    /** Loss and accuracy on other rows (the validation split), without touching gradients. */
    public Evaluation evaluate(float[][] rowFeatures, float[] rowTargets) {
        double lossSum = 0;
        long correct = 0;
        int step = Math.max(batchSize, 256);
        for (int start = 0; start < rowTargets.length; start += step) {
            int end = Math.min(rowTargets.length, start + step);
            try (NDManager batch = trainer.getManager().newSubManager()) {
                NDList labels = new NDList(batch.create(Arrays.copyOfRange(rowTargets, start, end)));
                NDList predictions = trainer.evaluate(new NDList(batch.create(
                        Arrays.copyOfRange(rowFeatures, start, end))));
                lossSum += trainer.getLoss().evaluate(labels, predictions).getFloat() * (end - start);
                if (task == Task.CLASSIFICATION) {
                    float[] predicted = predictions.singletonOrThrow().argMax(1).toType(DataType.FLOAT32, false)
                            .toFloatArray();
                    for (int i = 0; i < predicted.length; i++) {
                        if (predicted[i] == rowTargets[start + i]) {
                            correct++;
                        }
                    }
                }
            }
        }
        return new Evaluation(lossSum / rowTargets.length, (double) correct / rowTargets.length);
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

    private static Optimizer optimizer(Settings settings) {
        float learningRate = (float) settings.learningRate();
        float weightDecay = (float) settings.weightDecay();
        switch (settings.optimizer()) {
            case ADAM:
                return Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate))
                        .optWeightDecays(weightDecay).build();
            case SGD:
                return Optimizer.sgd().setLearningRateTracker(Tracker.fixed(learningRate))
                        .optMomentum((float) settings.momentum()).optWeightDecays(weightDecay).build();
            default:
                throw new IllegalStateException("Unhandled optimizer " + settings.optimizer());
        }
    }
}
