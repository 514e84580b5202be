package dev.fermion.components.model;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.fermion.components.preprocess.InvalidValueException;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.table.Table;
import dev.fermion.dsl.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A loaded model bundle. Takes raw rows, applies the bundle's preprocessing and returns, per row, the
 * class probabilities in {@link ModelBundle#labels()} order (classification) or the predicted value
 * (regression, a one-element array). Not thread-safe: a server opens one per worker thread.
 */
public final class MlpPredictor implements AutoCloseable {
    private static final int BATCH = 1024;
    private final ModelBundle bundle;
    private final Model model;
    private final Predictor<NDList, NDList> predictor;

    MlpPredictor(ModelBundle bundle, Model model) {
        this.bundle = bundle;
        this.model = model;
        this.predictor = model.newPredictor(new NoopTranslator());
    }

    public ModelBundle bundle() {
        return bundle;
    }

    /**
     * Predicts every row of a table; every number returned is finite. A value that is not a finite number, or
     * that the preprocessing cannot scale to one, fails naming its file, line and column; a row the model
     * computes NaN or an infinity for fails naming its file and line (see {@link #requireFinite}).
     */
    public List<double[]> predict(Table table) {
        Preprocessing.Transformer transformer = bundle.preprocessing().bind(table.header());
        List<float[]> features = new ArrayList<>(table.rows().size());
        for (Table.Row row : table.rows()) {
            try {
                features.add(transformer.applyFinite(row.values()));
            } catch (InvalidValueException e) {
                throw new BadInputException(table.where(row, e.column()) + ": " + e.getMessage(), e);
            }
        }
        List<double[]> outputs = predictFeatures(features);
        for (int i = 0; i < outputs.size(); i++) {
            Table.Row row = table.rows().get(i);
            requireFinite(outputs.get(i), () -> table.file() + ", line " + row.line());
        }
        return outputs;
    }

    /**
     * Fails when a prediction holds NaN or an infinity, naming the row {@code where} says. Bad input, not a
     * passing failure: inference is deterministic, so the same model and row give the same result on every
     * try, and the fault lies in one of the two, the row's values (finite, but far enough outside the
     * training data for the network to overflow) or the model's weights.
     */
    public static void requireFinite(double[] prediction, Supplier<String> where) {
        for (double value : prediction) {
            if (!Double.isFinite(value)) {
                throw new BadInputException(where.get() + ": the model computed " + value + " from finite features, "
                        + "so it has no prediction for this row. Its values are far outside those the model was "
                        + "trained on, or the model's weights are broken (train it again)");
            }
        }
    }

    /**
     * Predicts rows that are already transformed by the bundle's preprocessing. The results are unchecked:
     * a caller that passes them on checks them, with {@link #requireFinite} or in its own terms.
     */
    public List<double[]> predictFeatures(List<float[]> features) {
        List<double[]> result = new ArrayList<>(features.size());
        int width = bundle.architecture().inputs();
        for (int start = 0; start < features.size(); start += BATCH) {
            int end = Math.min(features.size(), start + BATCH);
            float[] flat = new float[(end - start) * width];
            for (int i = start; i < end; i++) {
                System.arraycopy(features.get(i), 0, flat, (i - start) * width, width);
            }
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDArray input = manager.create(flat, new Shape(end - start, width));
                NDArray output = predictor.predict(new NDList(input)).singletonOrThrow();
                if (bundle.task() == Task.CLASSIFICATION) {
                    output = output.softmax(1);
                }
                float[] values = output.toFloatArray();
                int outputs = bundle.architecture().outputs();
                for (int i = 0; i < end - start; i++) {
                    double[] row = new double[outputs];
                    for (int j = 0; j < outputs; j++) {
                        row[j] = values[i * outputs + j];
                    }
                    if (bundle.task() == Task.REGRESSION) {
                        row[0] = row[0] * bundle.architecture().targetScale()
                                + bundle.architecture().targetCenter();
                    }
                    result.add(row);
                }
            } catch (TranslateException e) {
                // An engine failure, not a property of the rows: it may pass.
                throw new IllegalStateException("Model inference failed: " + e.getMessage(), e);
            }
        }
        return result;
    }

    /** The label with the highest probability. */
    public String label(double[] probabilities) {
        int best = 0;
        for (int j = 1; j < probabilities.length; j++) {
            if (probabilities[j] > probabilities[best]) {
                best = j;
            }
        }
        return bundle.labels().get(best);
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }
}
