package dev.fermion.components.preprocess;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.JsonFile;
import dev.fermion.components.table.Printable;
import dev.fermion.components.table.TableSchema;
import dev.fermion.dsl.BadInputException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The feature transform fitted on a training split: imputation, scaling and one-hot encoding of every
 * feature column. Preparation, training, evaluation, batch inference and serving all call
 * {@link #bind}, so a model always sees its inputs exactly as it saw them in training.
 */
public record Preprocessing(
        List<Feature> features,
        String label,
        ColumnType labelType,
        ImputeStrategy impute,
        Scaling scaling,
        List<String> missingMarkers)
        implements Serializable {
    public static final String FILE = "preprocessing.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Preprocessing {
        features = List.copyOf(features);
        missingMarkers = List.copyOf(missingMarkers);
    }

    /** Fits the transform of the schema's feature columns to statistics of the training split. */
    public static Preprocessing fit(
            TableSchema schema,
            DatasetStatistics train,
            ImputeStrategy impute,
            double constant,
            Scaling scaling,
            List<String> missingMarkers) {
        if (train.rows() == 0) {
            throw new BadInputException("The training split is empty: nothing to fit the preprocessing "
                    + "on; check the source, the rejects and the split ratios ('train-ratio')");
        }
        List<Feature> features = new ArrayList<>();
        for (Column column : schema.features()) {
            ColumnStatistics stats = train.column(column.name());
            if (column.type() == ColumnType.CATEGORICAL) {
                features.add(new Feature(
                        column.name(),
                        column.type(),
                        0,
                        0,
                        1,
                        List.copyOf(stats.categories().keySet())));
                continue;
            }
            if (stats.count() == 0) {
                throw new BadInputException("Numeric column '" + column.name() + "' has no value in the "
                        + "training split, so it cannot be imputed or scaled; leave it out of 'features', or "
                        + "check 'missing-values' and the rejects");
            }
            double fill = switch (impute) {
                case MEAN -> stats.mean();
                case MEDIAN -> stats.median();
                case CONSTANT -> constant;
            };
            double center = switch (scaling) {
                case STANDARD -> stats.mean();
                case MIN_MAX -> stats.min();
                case NONE -> 0;
            };
            double spread = switch (scaling) {
                case STANDARD -> stats.std();
                case MIN_MAX -> stats.max() - stats.min();
                case NONE -> 1;
            };
            // A constant column carries no information; a unit scale keeps it finite instead of dividing by 0.
            double scale = spread > 0 ? spread : 1;
            features.add(new Feature(column.name(), column.type(), fill, center, scale, List.of()));
        }
        ColumnType labelType =
                schema.label() == null ? null : schema.require(schema.label()).type();
        return new Preprocessing(features, schema.label(), labelType, impute, scaling, missingMarkers);
    }

    public int width() {
        return features.stream().mapToInt(Feature::width).sum();
    }

    public List<String> featureNames() {
        return features.stream().flatMap(f -> f.names().stream()).toList();
    }

    public List<String> inputColumns() {
        return features.stream().map(Feature::column).toList();
    }

    public boolean isMissing(String value) {
        return value == null || value.isEmpty() || missingMarkers.contains(value);
    }

    /** A transform of rows whose fields follow {@code header}; fails if a feature column is absent. */
    public Transformer bind(List<String> header) {
        int[] positions = new int[features.size()];
        for (int i = 0; i < features.size(); i++) {
            String column = features.get(i).column();
            positions[i] = header.indexOf(column);
            if (positions[i] < 0) {
                throw new BadInputException("The data has no column '" + column + "' that the model needs; "
                        + "its columns are " + Printable.list(header) + " and the model reads " + inputColumns());
            }
        }
        return new Transformer(this, positions);
    }

    /** Applies the fitted transform to rows of one layout. */
    public static final class Transformer implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Preprocessing preprocessing;
        private final int[] positions;
        private final Set<String> missingMarkers;
        /** The preprocessing's width, counted once: the transform runs for every row it sees. */
        private final int width;

        private Transformer(Preprocessing preprocessing, int[] positions) {
            this.preprocessing = preprocessing;
            this.positions = positions;
            // A set, not the record's list: the transform looks up every value of every row it sees.
            this.missingMarkers = Set.copyOf(preprocessing.missingMarkers());
            this.width = preprocessing.width();
        }

        public float[] apply(List<String> row) {
            return apply(row, null);
        }

        /**
         * {@link #apply} for a row whose numeric values are already parsed: {@code numbers[j]} is the finite
         * number that field j spells, or NaN where it is missing, for the fields of numeric features.
         */
        public float[] apply(List<String> row, double[] numbers) {
            float[] out = new float[width];
            int offset = 0;
            for (int i = 0; i < positions.length; i++) {
                Feature feature = preprocessing.features().get(i);
                if (feature.type() == ColumnType.NUMERIC && numbers != null) {
                    double x = numbers[positions[i]];
                    out[offset] =
                            (float) (((Double.isNaN(x) ? feature.fill() : x) - feature.center()) / feature.scale());
                    offset += feature.width();
                    continue;
                }
                String value = row.get(positions[i]);
                boolean missing = value == null || value.isEmpty() || missingMarkers.contains(value);
                if (feature.type() == ColumnType.NUMERIC) {
                    double x = missing ? feature.fill() : parse(feature.column(), value);
                    out[offset] = (float) ((x - feature.center()) / feature.scale());
                } else if (!missing) {
                    int category = feature.categories().indexOf(value);
                    if (category >= 0) {
                        out[offset + category] = 1f;
                    }
                }
                offset += feature.width();
            }
            return out;
        }

        /**
         * {@link #apply}, failing with an {@link InvalidValueException} for a finite value that this transform
         * cannot turn into a finite FP32 feature: one so far outside the values the transform was fitted on
         * that, scaled, it overflows. A model fed the resulting infinity computes NaN, so training, evaluation
         * and batch prediction use this; the model server reports such values its own way.
         */
        public float[] applyFinite(List<String> row) {
            float[] out = apply(row);
            int offset = 0;
            for (int i = 0; i < positions.length; i++) {
                Feature feature = preprocessing.features().get(i);
                if (feature.type() == ColumnType.NUMERIC && !Float.isFinite(out[offset])) {
                    throw new InvalidValueException(
                            feature.column(),
                            "value '" + Printable.of(row.get(positions[i]))
                                    + "' of numeric column '" + feature.column()
                                    + "' is too far outside the values the "
                                    + "preprocessing was fitted on (center " + feature.center() + ", scale "
                                    + feature.scale()
                                    + "): scaled, it overflows a 32-bit float; fix or drop the value");
                }
                offset += feature.width();
            }
            return out;
        }

        private static double parse(String column, String value) {
            try {
                double x = Double.parseDouble(value);
                if (Double.isFinite(x)) {
                    return x;
                }
            } catch (NumberFormatException e) {
                // Reported below with the column, which the caller turns into a file and line.
            }
            throw new InvalidValueException(
                    column,
                    "value '" + Printable.of(value) + "' of numeric column '" + column + "' is not a finite number");
        }
    }

    public void write(Path directory) {
        try {
            JSON.writeValue(directory.resolve(FILE).toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + directory.resolve(FILE), e);
        }
    }

    public static Preprocessing read(Path directory) {
        Path file = directory.resolve(FILE);
        if (!Files.exists(file)) {
            throw new BadInputException(
                    directory + " holds no " + FILE + ": pass the 'preprocessing' " + "output of PrepareCsv");
        }
        return JsonFile.read(
                JSON,
                file,
                Preprocessing.class,
                "fitted preprocessing",
                "pass the 'preprocessing' output of PrepareCsv, or a model bundle written by TrainMlp");
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
