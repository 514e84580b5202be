package dev.fermion.serving.model;

import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.model.Task;
import dev.fermion.components.preprocess.Feature;
import dev.fermion.components.preprocess.Preprocessing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** A model bundle the server answers for under a name, with the predictors that run it. */
public final class ServedModel implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private final String name;
    private final String location;
    private final PredictorPool pool;
    private final Preprocessing.Transformer transformer;

    private ServedModel(String name, String location, PredictorPool pool) {
        this.name = name;
        this.location = location;
        this.pool = pool;
        Preprocessing preprocessing = pool.bundle().preprocessing();
        // Requests are read into rows in the order of the model's input columns.
        this.transformer = preprocessing.bind(preprocessing.inputColumns());
    }

    /**
     * Requests that may wait for a worker, per worker, unless told otherwise: room for a client pool of a
     * few dozen threads, while a request waits for at most this many others per worker.
     */
    public static final int QUEUED_PER_WORKER = 16;

    /** Loads {@code workers} copies of the bundle in {@code directory}, with {@value #QUEUED_PER_WORKER} waiting requests per worker. */
    public static ServedModel load(String name, String location, Path directory, int workers) {
        return load(name, location, directory, workers, QUEUED_PER_WORKER * workers);
    }

    /**
     * Loads {@code workers} copies of the bundle in {@code directory}, each used by a worker thread of its
     * own; at most {@code maxQueued} requests wait for a worker, and {@link #submit} refuses more.
     */
    public static ServedModel load(String name, String location, Path directory, int workers, int maxQueued) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Model name '" + name + "' is not usable in a URL path: use "
                    + "letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
        try {
            return new ServedModel(name, location, new PredictorPool(name, directory, workers, maxQueued));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Cannot load model '" + name + "' from " + location + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /** Where the model came from, as the user wrote it. */
    public String location() {
        return location;
    }

    public ModelBundle bundle() {
        return pool.bundle();
    }

    public int workers() {
        return pool.size();
    }

    /** How many requests may wait for a worker. */
    public int maxQueued() {
        return pool.maxQueued();
    }

    /** Requests waiting for a worker now. */
    public int queued() {
        return pool.queued();
    }

    /**
     * Runs {@code work}, typically reading a request and calling {@link #predict}, on one of this model's
     * workers; throws {@link AtCapacityException} at once when every worker is busy and the queue is full.
     */
    public <T> CompletableFuture<T> submit(Supplier<T> work) {
        return pool.submit(work);
    }

    /**
     * Predicts raw rows whose values follow {@link Preprocessing#inputColumns()}: numbers as text and
     * categories as written, {@code null} or a missing marker for a value to impute. Every number of the
     * answer is a finite FP32 value: a value that scales out of FP32's range fails with
     * {@link UnscalableInputException}, a model that computes NaN or infinity with
     * {@link NonFiniteOutputException}.
     */
    public Predictions predict(List<List<String>> rows) throws InterruptedException {
        List<float[]> features = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            features.add(features(r, rows.get(r)));
        }
        boolean classifier = bundle().task() == Task.CLASSIFICATION;
        Predictions predictions = pool.with(predictor -> {
            List<double[]> outputs = predictor.predictFeatures(features);
            List<String> labels =
                    classifier ? outputs.stream().map(predictor::label).toList() : List.of();
            return new Predictions(outputs, labels);
        });
        for (int r = 0; r < predictions.outputs().size(); r++) {
            for (double value : predictions.outputs().get(r)) {
                // Answers are written as FP32, so a double beyond FP32's range is no answer either.
                if (!Float.isFinite((float) value)) {
                    throw new NonFiniteOutputException(r, (float) value);
                }
            }
        }
        return predictions;
    }

    /** The features of raw row {@code r}; its values follow the feature columns, as the transform is bound. */
    private float[] features(int r, List<String> row) {
        float[] features = transformer.apply(row);
        List<Feature> columns = bundle().preprocessing().features();
        int offset = 0;
        for (int c = 0; c < columns.size(); c++) {
            Feature feature = columns.get(c);
            for (int i = offset; i < offset + feature.width(); i++) {
                if (!Float.isFinite(features[i])) {
                    throw new UnscalableInputException(r, feature.column(), row.get(c));
                }
            }
            offset += feature.width();
        }
        return features;
    }

    @Override
    public void close() {
        pool.close();
    }
}
