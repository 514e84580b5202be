package dev.fermion.serving.protocol;

import java.util.List;

/**
 * A validated inference request: rows of raw values in the order of the model's feature columns
 * ({@code null} where a value is missing), the client's request id, if any, and the outputs to return.
 */
public record InferenceRequest(String id, List<List<String>> rows, List<String> outputs) {
    public InferenceRequest {
        rows = List.copyOf(rows);
        outputs = List.copyOf(outputs);
    }
}
