package dev.fermion.serving.model;

import java.util.List;

/**
 * The model's answer for a batch, row by row: class probabilities in label order and the most likely
 * label (classification), or a one-element array holding the predicted value (regression, no labels).
 */
public record Predictions(List<double[]> outputs, List<String> labels) {
    public Predictions {
        outputs = List.copyOf(outputs);
        labels = List.copyOf(labels);
    }
}
