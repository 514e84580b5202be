package dev.fermion.components;

import dev.fermion.components.preprocess.ImputeStrategy;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.preprocess.Scaling;
import dev.fermion.components.preprocess.StatisticsAccumulator;
import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.Csv;
import dev.fermion.components.table.TableSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small labelled data sets in PrepareCsv's layout, built without Beam so training, evaluation and
 * publishing tests stay fast.
 */
public final class Fixtures {
    public static final TableSchema BLOBS = new TableSchema(
            List.of(
                    new Column("row_id", ColumnType.CATEGORICAL),
                    new Column("x1", ColumnType.NUMERIC),
                    new Column("x2", ColumnType.NUMERIC),
                    new Column("colour", ColumnType.CATEGORICAL),
                    new Column("label", ColumnType.CATEGORICAL)),
            "row_id",
            "label");

    private Fixtures() {}

    /**
     * Two well separated classes: "yes" around (2, 2), "no" around (-2, -2); the colour is noise. Writes
     * train, validation and test data sets and a preprocessing directory under {@code root}.
     */
    public static void blobs(Path root, int rows, long seed) throws IOException {
        Random random = new Random(seed);
        List<List<String>> all = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            boolean yes = i % 2 == 0;
            double centre = yes ? 2 : -2;
            all.add(List.of(
                    Integer.toString(i),
                    format(centre + random.nextGaussian()),
                    format(centre + random.nextGaussian()),
                    List.of("red", "green", "blue").get(random.nextInt(3)),
                    yes ? "yes" : "no"));
        }
        write(root, BLOBS, all);
    }

    /** Writes 70/15/15 splits in row order and fits the preprocessing on the training rows. */
    public static void write(Path root, TableSchema schema, List<List<String>> rows) throws IOException {
        int train = rows.size() * 70 / 100;
        int validation = rows.size() * 15 / 100;
        dataset(root.resolve("train"), schema, rows.subList(0, train));
        dataset(root.resolve("validation"), schema, rows.subList(train, train + validation));
        dataset(root.resolve("test"), schema, rows.subList(train + validation, rows.size()));
        StatisticsAccumulator statistics = new StatisticsAccumulator(schema.columns(), true);
        rows.subList(0, train).forEach(statistics::add);
        Path preprocessing = Files.createDirectories(root.resolve("preprocessing"));
        Preprocessing.fit(schema, statistics.result(), ImputeStrategy.MEAN, 0, Scaling.STANDARD, List.of("", "NA"))
                .write(preprocessing);
        schema.write(preprocessing);
    }

    public static void dataset(Path dir, TableSchema schema, List<List<String>> rows) throws IOException {
        Files.createDirectories(dir);
        List<String> lines = new ArrayList<>();
        lines.add(Csv.format(schema.names()));
        rows.forEach(r -> lines.add(Csv.format(r)));
        Files.write(dir.resolve("data.csv"), lines);
        schema.write(dir);
    }

    public static String format(double x) {
        return String.format(java.util.Locale.ROOT, "%.4f", x);
    }
}
