package dev.fermion.serving.protocol;

import java.util.List;
import java.util.Map;

/**
 * The metadata of one input or output tensor: OIP's name, datatype and shape ({@code -1} for the
 * batch dimension), and parameters that describe its values (feature names, class labels, categories).
 */
public record TensorSpec(String name, String datatype, List<Integer> shape, Map<String, List<String>> parameters) {
    public TensorSpec {
        shape = List.copyOf(shape);
        parameters = Map.copyOf(parameters);
    }
}
