package dev.fermion.components.predict;

import dev.fermion.components.model.MlpPredictor;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.model.Task;
import dev.fermion.components.preprocess.InvalidValueException;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.Csv;
import dev.fermion.components.table.Printable;
import dev.fermion.components.table.Table;
import dev.fermion.components.table.TableSchema;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;
import dev.fermion.types.Dataset;
import dev.fermion.types.Model;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a model bundle over every row of a data set. Predictions go to {@code data.csv} of the
 * {@code predictions} data set, one line per input row: its id, the prediction and, for classifiers, the
 * probability of each class. Rows with a value the model cannot read (a word in a numeric column, or a
 * number so far outside the training data that it cannot be scaled) go to {@code rejects} with their file,
 * line, column and reason, and are counted. Every prediction is a finite number: a row the model computes
 * NaN or an infinity for fails the step, naming the row.
 */
public final class BatchPredict extends Component {
    public static final Input<Model> MODEL = input("model", Model.class);
    public static final Input<Dataset> DATA =
            input("data", Dataset.class).describedAs("rows with the model's input columns; a label column is ignored");
    public static final Input<String> ID_COLUMN = input("id-column", String.class)
            .optional()
            .describedAs("column identifying rows; defaults to the data set schema's id, else the line number");

    public static final Output<Dataset> PREDICTIONS = output("predictions", Dataset.class);
    public static final Output<Dataset> REJECTS = output("rejects", Dataset.class);
    public static final Output<Long> ROWS = output("rows", Long.class).describedAs("rows predicted");
    public static final Output<Long> REJECTED_ROWS = output("rejected-rows", Long.class);

    static final String ID = "id";
    static final String PREDICTION = "prediction";

    @Override
    protected void run(StepContext ctx) throws Exception {
        Path dataDir = ctx.get(DATA).path();
        Table table = Table.readDataset(dataDir);
        String idColumn = ctx.find(ID_COLUMN)
                .orElse(table.schema().map(TableSchema::id).filter(table::has).orElse(null));
        int idIndex = idColumn == null ? -1 : table.index(idColumn);

        Dataset predictions = ctx.output(PREDICTIONS);
        Dataset rejects = ctx.output(REJECTS);
        long predicted = 0;
        long rejected = 0;
        try (MlpPredictor predictor = ModelBundle.open(ctx.get(MODEL).path());
                BufferedWriter out =
                        Files.newBufferedWriter(predictions.file(Table.DATA_FILE), StandardCharsets.UTF_8);
                BufferedWriter bad = Files.newBufferedWriter(rejects.file("rejects.csv"), StandardCharsets.UTF_8)) {
            ModelBundle bundle = predictor.bundle();
            boolean classifier = bundle.task() == Task.CLASSIFICATION;
            List<String> header = new ArrayList<>(List.of(ID, PREDICTION));
            if (classifier) {
                bundle.labels().forEach(label -> header.add("probability." + label));
            }
            writeLine(out, header);
            writeLine(bad, List.of("file", "line", "column", "reason", "row"));

            Preprocessing.Transformer transformer = bundle.preprocessing().bind(table.header());
            List<float[]> features = new ArrayList<>();
            List<Table.Row> predictedRows = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (Table.Row row : table.rows()) {
                try {
                    features.add(transformer.applyFinite(row.values()));
                    predictedRows.add(row);
                    ids.add(idIndex >= 0 ? row.values().get(idIndex) : Long.toString(row.line()));
                } catch (InvalidValueException e) {
                    // The file within the data set, not its path, which changes with every run that holds it.
                    writeLine(
                            bad,
                            List.of(
                                    dataDir.relativize(table.file()).toString(),
                                    Long.toString(row.line()),
                                    e.column(),
                                    e.getMessage(),
                                    Csv.format(row.values())));
                    rejected++;
                }
            }
            List<double[]> outputs = predictor.predictFeatures(features);
            for (int i = 0; i < outputs.size(); i++) {
                double[] output = outputs.get(i);
                // The row's values were readable, so a NaN is no reason to reject it quietly: the step fails.
                long source = predictedRows.get(i).line();
                String id = ids.get(i);
                MlpPredictor.requireFinite(
                        output, () -> table.file() + ", line " + source + " (id '" + Printable.of(id) + "')");
                List<String> line = new ArrayList<>();
                line.add(ids.get(i));
                if (classifier) {
                    line.add(predictor.label(output));
                    for (double p : output) {
                        line.add(Double.toString(p));
                    }
                } else {
                    line.add(Double.toString(output[0]));
                }
                writeLine(out, line);
                predicted++;
            }
            List<Column> columns = new ArrayList<>();
            header.forEach(h -> columns.add(new Column(
                    h,
                    h.equals(ID) || (classifier && h.equals(PREDICTION))
                            ? ColumnType.CATEGORICAL
                            : ColumnType.NUMERIC)));
            new TableSchema(columns, ID, null).write(predictions.path());
        }
        ctx.put(ROWS, predicted);
        ctx.put(REJECTED_ROWS, rejected);
        ctx.metric("rows", predicted);
        ctx.metric("rejected-rows", rejected);
        ctx.log("Predicted %d row(s) of %s; %d rejected", predicted, table.file(), rejected);
    }

    private static void writeLine(BufferedWriter out, List<String> fields) throws java.io.IOException {
        out.write(Csv.format(fields));
        out.newLine();
    }
}
