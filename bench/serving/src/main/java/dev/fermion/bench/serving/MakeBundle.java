package dev.fermion.bench.serving;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fermion.components.model.ActivationFunction;
import dev.fermion.components.model.MlpArchitecture;
import dev.fermion.components.model.MlpPredictor;
import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.model.Task;
import dev.fermion.components.preprocess.ImputeStrategy;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.preprocess.Scaling;
import dev.fermion.components.preprocess.StatisticsAccumulator;
import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.Table;
import dev.fermion.components.table.TableSchema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the served model, as serving's TestBundles does: an iris classifier bundle (preprocessing fitted on
 * examples/data/iris.csv, a seeded MLP 4-{hidden}-3 with tanh; no training, since serving cost does not depend on
 * the weights' values), plus what the MLflow side needs to serve the same model with numpy:
 *
 * <pre>
 * OUT/bundle/               the Fermion model bundle (fermion-serve --model iris=OUT/bundle)
 * OUT/weights.json          every Linear layer's weight (units x inputs) and bias, in order
 * OUT/expected.json         the bundle's probabilities for every iris row, from MlpPredictor (to check the twin)
 * OUT/rows.json             the raw iris measurements, in the bundle's input column order
 * </pre>
 * {@code java ... MakeBundle OUT [hidden units, default 8] [iris.csv]}
 */
public final class MakeBundle {
    private static final List<String> MEASUREMENTS = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");

    private MakeBundle() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int hidden = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path csv = Path.of(args.length > 2 ? args[2] : "examples/data/iris.csv");
        Path bundleDir = out.resolve("bundle");
        Files.createDirectories(bundleDir);
        Table table = Table.read(csv, Optional.empty());
        TableSchema schema = new TableSchema(List.of(numeric("sepal_length"), numeric("sepal_width"),
                numeric("petal_length"), numeric("petal_width"), new Column("species", ColumnType.CATEGORICAL)), "id", "species");
        StatisticsAccumulator statistics = new StatisticsAccumulator(schema.columns(), false);
        for (Table.Row row : table.rows()) {
            statistics.add(schema.names().stream().map(c -> row.values().get(table.index(c))).toList());
        }
        Preprocessing preprocessing = Preprocessing.fit(schema, statistics.result(), ImputeStrategy.MEAN, 0,
                Scaling.STANDARD, List.of("NA"));
        List<String> labels = List.copyOf(statistics.result().column("species").categories().keySet());
        MlpArchitecture architecture = new MlpArchitecture(Task.CLASSIFICATION, preprocessing.width(), List.of(hidden),
                ActivationFunction.TANH, labels.size(), 0, 1);
        ModelBundle bundle = new ModelBundle(new ModelBundle.Manifest(ModelBundle.FORMAT, Task.CLASSIFICATION, "djl-pytorch",
                Map.of()), architecture, preprocessing, labels, schema);
        ObjectMapper json = new ObjectMapper();
        ObjectNode weights = json.createObjectNode();
        weights.put("activation", "tanh");
        weights.set("labels", json.valueToTree(labels));
        ArrayNode layers = weights.putArray("layers");
        Engine.getInstance().setRandomSeed(7);
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(architecture.build());
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, architecture.inputs()));
            ObjectNode layer = null;
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                var array = p.getValue().getArray();
                float[] values = array.toFloatArray();
                if (p.getKey().endsWith("weight")) {
                    layer = layers.addObject();
                    long units = array.getShape().get(0);
                    long inputs = array.getShape().get(1);
                    ArrayNode w = layer.putArray("weight");
                    for (int u = 0; u < units; u++) {
                        ArrayNode r = w.addArray();
                        for (int i = 0; i < inputs; i++) {
                            r.add(values[(int) (u * inputs + i)]);
                        }
                    }
                } else {
                    ArrayNode b = layer.putArray("bias");
                    for (float v : values) {
                        b.add(v);
                    }
                }
            }
            bundle.write(bundleDir, model);
        }
        json.writeValue(out.resolve("weights.json").toFile(), weights);
        ArrayNode rows = json.createArrayNode();
        for (Table.Row row : table.rows()) {
            ArrayNode r = rows.addArray();
            for (String c : preprocessing.inputColumns()) {
                r.add(Double.parseDouble(row.values().get(table.index(c))));
            }
        }
        json.writeValue(out.resolve("rows.json").toFile(), rows);
        try (MlpPredictor predictor = ModelBundle.open(bundleDir)) {
            json.writeValue(out.resolve("expected.json").toFile(), predictor.predict(table));
        }
        if (!preprocessing.inputColumns().equals(MEASUREMENTS)) {
            throw new IllegalStateException("unexpected input columns " + preprocessing.inputColumns());
        }
        System.err.println("wrote " + bundleDir + " (MLP " + architecture.inputs() + "-" + hidden + "-" + labels.size() + ")");
    }

    private static Column numeric(String name) {
        return new Column(name, ColumnType.NUMERIC);
    }
}
