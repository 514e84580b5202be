package dev.fermion.components;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fermion.components.model.ActivationFunction;
import dev.fermion.components.model.MlpArchitecture;
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
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Model bundles written through the components' own code on the iris data, for the tests of the modules
 * that serve and deploy them: {@link Preprocessing#fit}, a seeded freshly initialised MLP, {@link ModelBundle#write}. Serving only
 * has to reproduce what {@link ModelBundle#open} predicts, so the weights need no training.
 */
public final class TestBundles {
    public static final Path IRIS = Path.of("../examples/data/iris.csv");

    private TestBundles() {}

    public static Table iris() {
        return Table.read(IRIS, Optional.empty());
    }

    /** Species from the four numeric measurements: the single-tensor input form. */
    public static Path classifier(Path directory) {
        return classifier(directory, 7);
    }

    /** Another {@code seed} gives other weights, so two versions answer differently. */
    public static Path classifier(Path directory, int seed) {
        TableSchema schema = new TableSchema(
                List.of(
                        numeric("sepal_length"),
                        numeric("sepal_width"),
                        numeric("petal_length"),
                        numeric("petal_width"),
                        categorical("species")),
                "id",
                "species");
        return write(directory, schema, Task.CLASSIFICATION, 0, 1, seed);
    }

    /** Sepal length from two measurements and the species: numeric and categorical inputs. */
    public static Path regressor(Path directory) {
        TableSchema schema = new TableSchema(
                List.of(
                        numeric("sepal_length"),
                        numeric("sepal_width"),
                        numeric("petal_length"),
                        categorical("species")),
                "id",
                "sepal_length");
        return write(directory, schema, Task.REGRESSION, 5.8, 0.8, 7);
    }

    /** The bundle as a training run that diverged leaves it: every weight NaN, so it computes NaN for any row. */
    public static Path diverged(Path bundle) {
        ModelBundle description = ModelBundle.read(bundle);
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(description.architecture().build());
            model.getBlock()
                    .initialize(
                            model.getNDManager(),
                            DataType.FLOAT32,
                            new Shape(1, description.architecture().inputs()));
            model.getBlock()
                    .getParameters()
                    .values()
                    .forEach(parameter -> parameter.getArray().muli(Float.NaN));
            description.write(bundle, model);
        }
        return bundle;
    }

    private static Path write(Path directory, TableSchema schema, Task task, double center, double scale, int seed) {
        Table table = iris();
        StatisticsAccumulator statistics = new StatisticsAccumulator(schema.columns(), false);
        for (Table.Row row : table.rows()) {
            statistics.add(schema.names().stream()
                    .map(c -> row.values().get(table.index(c)))
                    .toList());
        }
        Preprocessing preprocessing =
                Preprocessing.fit(schema, statistics.result(), ImputeStrategy.MEAN, 0, Scaling.STANDARD, List.of("NA"));
        List<String> labels = task == Task.CLASSIFICATION
                ? List.copyOf(statistics.result().column("species").categories().keySet())
                : List.of();
        MlpArchitecture architecture = new MlpArchitecture(
                task,
                preprocessing.width(),
                List.of(8),
                ActivationFunction.TANH,
                task == Task.CLASSIFICATION ? labels.size() : 1,
                center,
                scale);
        ModelBundle bundle = new ModelBundle(
                new ModelBundle.Manifest(ModelBundle.FORMAT, task, "djl-pytorch", Map.of()),
                architecture,
                preprocessing,
                labels,
                schema);
        Engine.getInstance().setRandomSeed(seed);
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(architecture.build());
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, architecture.inputs()));
            bundle.write(directory, model);
        }
        return directory;
    }

    private static Column numeric(String name) {
        return new Column(name, ColumnType.NUMERIC);
    }

    private static Column categorical(String name) {
        return new Column(name, ColumnType.CATEGORICAL);
    }
}
