package dev.fermion.serving.protocol;

import dev.fermion.components.model.ModelBundle;
import dev.fermion.components.model.Task;
import dev.fermion.components.preprocess.Feature;
import dev.fermion.components.table.ColumnType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a model bundle looks through the Open Inference Protocol. A model whose feature columns are all
 * numeric takes one FP32 tensor {@code [-1, n_features]}; a model with a categorical column takes one
 * tensor per feature column (FP32 or BYTES), since an FP32 tensor cannot carry a category. The per-column
 * form is accepted for every model.
 */
public record ModelSignature(List<Feature> features, boolean numericOnly, List<String> labels, Task task) {
    public static final String TENSOR_INPUT = "input";
    public static final String LABEL = "label";
    public static final String PROBABILITIES = "probabilities";
    public static final String VALUE = "value";

    public ModelSignature {
        features = List.copyOf(features);
        labels = List.copyOf(labels);
    }

    public static ModelSignature of(ModelBundle bundle) {
        List<Feature> features = bundle.preprocessing().features();
        boolean numericOnly = features.stream().allMatch(f -> f.type() == ColumnType.NUMERIC);
        return new ModelSignature(features, numericOnly, bundle.labels(), bundle.task());
    }

    public List<String> columns() {
        return features.stream().map(Feature::column).toList();
    }

    public List<TensorSpec> inputs() {
        if (numericOnly) {
            return List.of(new TensorSpec(
                    TENSOR_INPUT, "FP32", List.of(-1, features.size()), Map.of("feature_names", columns())));
        }
        List<TensorSpec> inputs = new ArrayList<>();
        for (Feature feature : features) {
            if (feature.type() == ColumnType.NUMERIC) {
                inputs.add(new TensorSpec(feature.column(), "FP32", List.of(-1), Map.of()));
            } else {
                inputs.add(new TensorSpec(
                        feature.column(), "BYTES", List.of(-1), Map.of("categories", feature.categories())));
            }
        }
        return inputs;
    }

    public List<TensorSpec> outputs() {
        if (task == Task.CLASSIFICATION) {
            return List.of(
                    new TensorSpec(LABEL, "BYTES", List.of(-1), Map.of()),
                    new TensorSpec(PROBABILITIES, "FP32", List.of(-1, labels.size()), Map.of("labels", labels)));
        }
        return List.of(new TensorSpec(VALUE, "FP32", List.of(-1), Map.of()));
    }

    public List<String> outputNames() {
        return outputs().stream().map(TensorSpec::name).toList();
    }
}
