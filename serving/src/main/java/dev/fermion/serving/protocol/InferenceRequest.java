package dev.fermion.serving.protocol;

import java.util.List;

/**
 * A validated inference request: rows of raw values in the order of the model's feature columns
 * ({@code null} where a value is missing), the client's request id, if any, and the outputs to return.
 *
 * @param tensor the name of the one tensor that carried every feature, or null when the request sent one
 *               input per feature column
 */
public record InferenceRequest(String id, String tensor, List<List<String>> rows, List<String> outputs) {
    public InferenceRequest {
        rows = List.copyOf(rows);
        outputs = List.copyOf(outputs);
    }

    /** Where the value of {@code column} in row {@code row} was in this request, for error messages. */
    public String element(int row, String column) {
        return element(tensor, row, column);
    }

    /**
     * Names an element of a request: in the tensor {@code tensor} by row and feature, or, when
     * {@code tensor} is null, in the input named after its column by row.
     */
    static String element(String tensor, int row, String column) {
        return tensor == null
                ? "Input '" + column + "', row " + row
                : "Input '" + tensor + "', row " + row + ", feature '" + column + "'";
    }
}
