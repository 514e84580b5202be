package dev.fermion.serving.model;

import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.model.Task;
import dev.fermion.components.preprocess.Preprocessing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** Loads {@code workers} copies of the bundle in {@code directory}. */
    public static ServedModel load(String name, String location, Path directory, int workers) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Model name '" + name + "' is not usable in a URL path: use "
                    + "letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
        try {
            return new ServedModel(name, location, new PredictorPool(directory, workers));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot load model '" + name + "' from " + location + ": "
                    + e.getMessage(), e);
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

    /**
     * Predicts raw rows whose values follow {@link Preprocessing#inputColumns()}: numbers as text and
     * categories as written, {@code null} or a missing marker for a value to impute.
     */
    public Predictions predict(List<List<String>> rows) throws InterruptedException {
        List<float[]> features = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            features.add(transformer.apply(row));
        }
        boolean classifier = bundle().task() == Task.CLASSIFICATION;
        return pool.with(predictor -> {
            List<double[]> outputs = predictor.predictFeatures(features);
            List<String> labels = classifier ? outputs.stream().map(predictor::label).toList() : List.of();
            return new Predictions(outputs, labels);
        });
    }

    @Override
    public void close() {
        pool.close();
    }
}
