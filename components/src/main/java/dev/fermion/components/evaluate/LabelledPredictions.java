package dev.fermion.components.evaluate;

import dev.fermion.components.model.MlpPredictor;
import dev.fermion.components.table.Table;

import java.util.ArrayList;
import java.util.List;

/** A model's outputs on labelled rows, next to the true labels. */
record LabelledPredictions(List<String> actual, List<double[]> outputs) {

    static LabelledPredictions of(MlpPredictor predictor, Table table) {
        String label = predictor.bundle().preprocessing().label();
        if (!table.has(label)) {
            throw new IllegalArgumentException(table.file() + " has no label column '" + label
                    + "'; evaluation needs labelled rows such as PrepareCsv's test split");
        }
        if (table.rows().isEmpty()) {
            throw new IllegalArgumentException(table.file() + " has no rows to evaluate; check the split ratios");
        }
        int index = table.index(label);
        List<String> actual = new ArrayList<>();
        for (Table.Row row : table.rows()) {
            String value = row.values().get(index);
            if (predictor.bundle().preprocessing().isMissing(value)) {
                throw new IllegalArgumentException(table.where(row, label) + ": the label is missing; evaluation "
                        + "rows need a label");
            }
            actual.add(value);
        }
        return new LabelledPredictions(actual, predictor.predict(table));
    }
}
