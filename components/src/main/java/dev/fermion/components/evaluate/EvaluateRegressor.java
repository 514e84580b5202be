package dev.fermion.components.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fermion.components.model.MlpPredictor;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.model.Task;
import dev.fermion.components.report.Charts;
import dev.fermion.components.report.HtmlReport;
import dev.fermion.components.table.Printable;
import dev.fermion.components.table.Table;
import dev.fermion.dsl.BadInputException;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a regressor bundle on labelled rows: RMSE, MAE and R², each a step output and a metric. The
 * report holds {@code report.html}, a predicted-versus-actual plot and {@code metrics.json}.
 */
public final class EvaluateRegressor extends Component {
    public static final Input<Model> MODEL = input("model", Model.class);
    public static final Input<Dataset> DATA =
            input("data", Dataset.class).describedAs("labelled rows, e.g. the test split");

    public static final Output<Double> RMSE = output("rmse", Double.class);
    public static final Output<Double> MAE = output("mae", Double.class);
    public static final Output<Double> R2 = output("r2", Double.class);
    public static final Output<Directory> REPORT = output("report", Directory.class);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    protected void run(StepContext ctx) throws Exception {
        Table table = Table.readDataset(ctx.get(DATA).path());
        double[] actual;
        double[] predicted;
        try (MlpPredictor predictor = ModelBundle.open(ctx.get(MODEL).path())) {
            if (predictor.bundle().task() != Task.REGRESSION) {
                throw new BadInputException("Input 'model' is a "
                        + predictor.bundle().task() + " model; evaluate it with EvaluateClassifier");
            }
            LabelledPredictions predictions = LabelledPredictions.of(predictor, table);
            int label = table.index(predictor.bundle().preprocessing().label());
            actual = new double[predictions.actual().size()];
            predicted = new double[actual.length];
            for (int i = 0; i < actual.length; i++) {
                actual[i] = label(
                        table, table.rows().get(i), label, predictions.actual().get(i));
                predicted[i] = predictions.outputs().get(i)[0];
            }
        }
        RegressionMetrics metrics = RegressionMetrics.of(actual, predicted);
        ctx.put(RMSE, metrics.rmse());
        ctx.put(MAE, metrics.mae());
        ctx.put(R2, metrics.r2());
        ctx.metric("rmse", metrics.rmse());
        ctx.metric("mae", metrics.mae());
        if (!Double.isNaN(metrics.r2())) {
            ctx.metric("r2", metrics.r2());
        }
        ctx.log(
                "RMSE %.5f, MAE %.5f, R2 %.4f on %d rows of %s",
                metrics.rmse(), metrics.mae(), metrics.r2(), metrics.rows(), table.file());

        Directory report = ctx.output(REPORT);
        Charts.writePng(Charts.predictedVersusActual(actual, predicted), report.file("predicted-vs-actual.png"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rows", metrics.rows());
        json.put("rmse", metrics.rmse());
        json.put("mae", metrics.mae());
        json.put("r2", metrics.r2());
        JSON.writeValue(report.file("metrics.json").toFile(), json);
        new HtmlReport("Regressor evaluation")
                .paragraph(metrics.rows() + " rows of " + table.file().getFileName())
                .table(
                        List.of("metric", "value"),
                        List.of(
                                List.of("RMSE", EvaluateClassifier.format(metrics.rmse())),
                                List.of("MAE", EvaluateClassifier.format(metrics.mae())),
                                List.of("R\u00b2", EvaluateClassifier.format(metrics.r2()))))
                .heading("Predicted against actual")
                .image("predicted-vs-actual.png", "predicted against actual values")
                .write(report.file("report.html"));
    }

    private static double label(Table table, Table.Row row, int column, String value) {
        try {
            double x = Double.parseDouble(value);
            if (Double.isFinite(x)) {
                return x;
            }
        } catch (NumberFormatException e) {
            // Reported below with its location.
        }
        throw new BadInputException(table.where(row, table.header().get(column)) + ": label '" + Printable.of(value)
                + "' is not a finite number; a regressor is evaluated on numeric labels");
    }
}
