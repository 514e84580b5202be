package dev.fermion.components.evaluate;

import dev.fermion.components.model.MlpPredictor;
import dev.fermion.components.table.Printable;
import dev.fermion.components.table.Table;
import dev.fermion.dsl.BadInputException;
import java.util.ArrayList;
import java.util.List;

/** A model's outputs on labelled rows, next to the true labels. */
record LabelledPredictions(List<String> actual, List<double[]> outputs) {

    static LabelledPredictions of(MlpPredictor predictor, Table table) {
        String label = predictor.bundle().preprocessing().label();
        if (!table.has(label)) {
            throw new BadInputException(table.file() + " has no label column '" + label + "' (its columns are "
                    + Printable.list(table.header())
                    + "); evaluation needs labelled rows such as PrepareCsv's test split");
        }
        if (table.rows().isEmpty()) {
            throw new BadInputException(table.file() + " has no rows to evaluate; give PrepareCsv's 'test-ratio' "
                    + "a share large enough for the data set, and check its rejects");
        }
        int index = table.index(label);
        List<String> actual = new ArrayList<>();
        for (Table.Row row : table.rows()) {
            String value = row.values().get(index);
            if (predictor.bundle().preprocessing().isMissing(value)) {
                throw new BadInputException(table.where(row, label) + ": the label is missing; evaluation "
                        + "rows need a label: fill it in or drop the row (PrepareCsv rejects such rows)");
            }
            actual.add(value);
        }
        return new LabelledPredictions(actual, predictor.predict(table));
    }
}
