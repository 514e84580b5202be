package dev.fermion.components.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fermion.components.model.MlpPredictor;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.model.Task;
import dev.fermion.components.report.Charts;
import dev.fermion.components.report.HtmlReport;
import dev.fermion.components.table.Table;
import dev.fermion.dsl.BadInputException;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.Model;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores a classifier bundle on labelled rows: accuracy, per-class and macro precision, recall and F1,
 * ROC-AUC, and a confusion matrix. Every score is a step output, usable in {@code when} conditions, and a
 * metric; the report holds {@code report.html}, {@code confusion-matrix.png} and {@code metrics.json}.
 */
public final class EvaluateClassifier extends Component {
    public static final Input<Model> MODEL = input("model", Model.class);
    public static final Input<Dataset> DATA =
            input("data", Dataset.class).describedAs("labelled rows, e.g. the test split");

    public static final Output<Double> ACCURACY = output("accuracy", Double.class);
    public static final Output<Double> MACRO_PRECISION = output("macro-precision", Double.class);
    public static final Output<Double> MACRO_RECALL = output("macro-recall", Double.class);
    public static final Output<Double> MACRO_F1 = output("macro-f1", Double.class);
    public static final Output<Double> ROC_AUC = output("roc-auc", Double.class)
            .describedAs("binary: AUC of the second label; otherwise mean one-vs-rest AUC");
    public static final Output<Directory> REPORT = output("report", Directory.class);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    protected void run(StepContext ctx) throws Exception {
        Table table = Table.readDataset(ctx.get(DATA).path());
        ClassificationMetrics metrics;
        try (MlpPredictor predictor = ModelBundle.open(ctx.get(MODEL).path())) {
            if (predictor.bundle().task() != Task.CLASSIFICATION) {
                throw new BadInputException("Input 'model' is a "
                        + predictor.bundle().task() + " model; evaluate it with EvaluateRegressor");
            }
            LabelledPredictions predictions = LabelledPredictions.of(predictor, table);
            metrics =
                    ClassificationMetrics.of(predictor.bundle().labels(), predictions.actual(), predictions.outputs());
        }
        ctx.put(ACCURACY, metrics.accuracy());
        ctx.put(MACRO_PRECISION, metrics.macroPrecision());
        ctx.put(MACRO_RECALL, metrics.macroRecall());
        ctx.put(MACRO_F1, metrics.macroF1());
        ctx.put(ROC_AUC, metrics.rocAuc());
        ctx.metric("accuracy", metrics.accuracy());
        ctx.metric("macro-precision", metrics.macroPrecision());
        ctx.metric("macro-recall", metrics.macroRecall());
        ctx.metric("macro-f1", metrics.macroF1());
        if (!Double.isNaN(metrics.rocAuc())) {
            ctx.metric("roc-auc", metrics.rocAuc());
        }
        for (int c = 0; c < metrics.classes().size(); c++) {
            String name = metrics.classes().get(c);
            ctx.metric("precision." + name, metrics.precision().get(c));
            ctx.metric("recall." + name, metrics.recall().get(c));
            ctx.metric("f1." + name, metrics.f1().get(c));
        }
        ctx.log(
                "Accuracy %.4f, macro F1 %.4f, ROC-AUC %.4f on %d rows of %s",
                metrics.accuracy(),
                metrics.macroF1(),
                metrics.rocAuc(),
                table.rows().size(),
                table.file());
        writeReport(ctx.output(REPORT), metrics, table);
    }

    private static void writeReport(Directory report, ClassificationMetrics metrics, Table table) throws Exception {
        Charts.writePng(
                Charts.confusionMatrix(metrics.classes(), metrics.confusion()), report.file("confusion-matrix.png"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rows", table.rows().size());
        json.put("accuracy", metrics.accuracy());
        json.put("macro-precision", metrics.macroPrecision());
        json.put("macro-recall", metrics.macroRecall());
        json.put("macro-f1", metrics.macroF1());
        json.put("roc-auc", metrics.rocAuc());
        json.put("classes", metrics.classes());
        json.put("precision", metrics.precision());
        json.put("recall", metrics.recall());
        json.put("f1", metrics.f1());
        json.put("confusion-matrix", metrics.confusion());
        JSON.writeValue(report.file("metrics.json").toFile(), json);

        List<List<String>> perClass = new ArrayList<>();
        for (int c = 0; c < metrics.classes().size(); c++) {
            long support = 0;
            for (long n : metrics.confusion()[c]) {
                support += n;
            }
            perClass.add(List.of(
                    metrics.classes().get(c),
                    format(metrics.precision().get(c)),
                    format(metrics.recall().get(c)),
                    format(metrics.f1().get(c)),
                    Long.toString(support)));
        }
        new HtmlReport("Classifier evaluation")
                // The file's name, not its path: the report stays the same wherever a run keeps the data set.
                .paragraph(table.rows().size() + " rows of " + table.file().getFileName())
                .table(
                        List.of("metric", "value"),
                        List.of(
                                List.of("accuracy", format(metrics.accuracy())),
                                List.of("macro precision", format(metrics.macroPrecision())),
                                List.of("macro recall", format(metrics.macroRecall())),
                                List.of("macro F1", format(metrics.macroF1())),
                                List.of("ROC-AUC", format(metrics.rocAuc()))))
                .heading("Per class")
                .table(List.of("class", "precision", "recall", "F1", "support"), perClass)
                .heading("Confusion matrix")
                .image("confusion-matrix.png", "confusion matrix")
                .write(report.file("report.html"));
    }

    /** Four decimals with a point whatever the JVM's locale, so the report is the same on every machine. */
    static String format(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.4f", value);
    }
}
