package dev.fermion.components.train;

import dev.fermion.components.model.Task;
import dev.fermion.components.preprocess.InvalidValueException;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.table.Printable;
import dev.fermion.components.table.Table;
import dev.fermion.dsl.BadInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A split turned into the matrices a network trains on. Rows are ordered by id, so the same data gives the
 * same training run whatever order the preparation step wrote it in.
 */
record TrainingData(float[][] features, float[] targets) {

    int size() {
        return targets.length;
    }

    /** The same rows with targets mapped to {@code (y - center) / scale}, how a regressor learns them. */
    TrainingData scaled(double center, double scale) {
        float[] scaledTargets = new float[targets.length];
        for (int i = 0; i < targets.length; i++) {
            scaledTargets[i] = (float) ((targets[i] - center) / scale);
        }
        return new TrainingData(features, scaledTargets);
    }

    /**
     * @param classes the label of each class index (classification); a label outside it fails
     */
    static TrainingData of(Table table, Preprocessing preprocessing, Task task, List<String> classes) {
        String label = preprocessing.label();
        if (label == null || !table.has(label)) {
            throw new BadInputException(table.file() + " has no label column '" + label + "' (its columns are "
                    + Printable.list(table.header()) + "); training needs the labelled splits written by PrepareCsv");
        }
        int labelIndex = table.index(label);
        int idIndex = table.schema()
                .filter(s -> table.has(s.id()))
                .map(s -> table.index(s.id()))
                .orElse(-1);
        List<Table.Row> rows = new ArrayList<>(table.rows());
        if (idIndex >= 0) {
            rows.sort(Comparator.comparing(r -> r.values().get(idIndex)));
        }
        Preprocessing.Transformer transformer = preprocessing.bind(table.header());
        float[][] features = new float[rows.size()][];
        float[] targets = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Table.Row row = rows.get(i);
            try {
                features[i] = transformer.applyFinite(row.values());
            } catch (InvalidValueException e) {
                throw new BadInputException(table.where(row, e.column()) + ": " + e.getMessage(), e);
            }
            String value = row.values().get(labelIndex);
            if (preprocessing.isMissing(value)) {
                throw new BadInputException(table.where(row, label) + ": the label is missing; training "
                        + "rows need a label (PrepareCsv rejects such rows)");
            }
            targets[i] = task == Task.CLASSIFICATION
                    ? classIndex(table, row, label, value, classes)
                    : (float) number(table, row, label, value);
        }
        return new TrainingData(features, targets);
    }

    /** The distinct labels of a table, sorted, which fixes the order of a classifier's outputs. */
    static List<String> classes(Table table, String label) {
        int index = table.index(label);
        return table.rows().stream()
                .map(r -> r.values().get(index))
                .filter(v -> !v.isEmpty())
                .distinct()
                .sorted()
                .toList();
    }

    private static int classIndex(Table table, Table.Row row, String label, String value, List<String> classes) {
        int index = classes.indexOf(value);
        if (index < 0) {
            throw new BadInputException(
                    table.where(row, label) + ": label '" + Printable.of(value) + "' does not occur "
                            + "in the training split " + classes + "; use a stratified split or drop the rows");
        }
        return index;
    }

    private static double number(Table table, Table.Row row, String label, String value) {
        try {
            double x = Double.parseDouble(value);
            if (Double.isFinite(x)) {
                return x;
            }
        } catch (NumberFormatException e) {
            // Reported below with its location.
        }
        throw new BadInputException(table.where(row, label) + ": regression label '" + Printable.of(value)
                + "' is not a finite number; fix or drop the row (PrepareCsv rejects such rows when the label "
                + "column is numeric)");
    }
}
