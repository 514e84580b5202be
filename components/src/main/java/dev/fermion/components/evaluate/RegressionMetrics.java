package dev.fermion.components.evaluate;

import dev.fermion.dsl.BadInputException;

/** Quality of a regressor: root mean squared error, mean absolute error and coefficient of determination. */
public record RegressionMetrics(long rows, double rmse, double mae, double r2) {

    public static RegressionMetrics of(double[] actual, double[] predicted) {
        int n = actual.length;
        if (n == 0) {
            throw new BadInputException("No rows to evaluate: the data set is empty; give PrepareCsv's 'test-ratio' "
                    + "a share large enough for the data set, and check its rejects");
        }
        double mean = 0;
        for (double y : actual) {
            mean += y / n;
        }
        double squared = 0;
        double absolute = 0;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double error = actual[i] - predicted[i];
            squared += error * error;
            absolute += Math.abs(error);
            total += (actual[i] - mean) * (actual[i] - mean);
        }
        // R² divides by the variance of the target; a constant target has none, so R² is reported as NaN.
        double r2 = total == 0 ? Double.NaN : 1 - squared / total;
        return new RegressionMetrics(n, Math.sqrt(squared / n), absolute / n, r2);
    }
}
