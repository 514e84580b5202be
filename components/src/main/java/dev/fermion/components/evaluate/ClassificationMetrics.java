package dev.fermion.components.evaluate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Quality of a classifier on labelled rows. {@code classes} are the model's labels followed by any true
 * label it never saw; per-class lists follow that order. A precision or recall with an empty denominator
 * is 0, as in scikit-learn's default.
 *
 * @param confusion {@code confusion[actual][predicted]} row counts
 * @param rocAuc    binary: AUC of the second class; more classes: mean one-vs-rest AUC over the classes
 *                  that have both positive and negative rows; NaN when no class has both
 */
public record ClassificationMetrics(
        List<String> classes,
        long[][] confusion,
        double accuracy,
        List<Double> precision,
        List<Double> recall,
        List<Double> f1,
        double macroPrecision,
        double macroRecall,
        double macroF1,
        double rocAuc) {

    /**
     * @param modelClasses  the model's labels, in the order of its probability outputs
     * @param probabilities per row, the probability of each model class
     */
    public static ClassificationMetrics of(
            List<String> modelClasses, List<String> actual, List<double[]> probabilities) {
        List<String> classes = new ArrayList<>(modelClasses);
        actual.stream().filter(a -> !classes.contains(a)).distinct().sorted().forEach(classes::add);
        int k = classes.size();
        long[][] confusion = new long[k][k];
        long correct = 0;
        for (int i = 0; i < actual.size(); i++) {
            int truth = classes.indexOf(actual.get(i));
            int predicted = argMax(probabilities.get(i));
            confusion[truth][predicted]++;
            if (truth == predicted) {
                correct++;
            }
        }
        List<Double> precision = new ArrayList<>();
        List<Double> recall = new ArrayList<>();
        List<Double> f1 = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            long tp = confusion[c][c];
            long predictedC = 0;
            long actualC = 0;
            for (int o = 0; o < k; o++) {
                predictedC += confusion[o][c];
                actualC += confusion[c][o];
            }
            double p = predictedC == 0 ? 0 : (double) tp / predictedC;
            double r = actualC == 0 ? 0 : (double) tp / actualC;
            precision.add(p);
            recall.add(r);
            f1.add(p + r == 0 ? 0 : 2 * p * r / (p + r));
        }
        double auc = modelClasses.size() == 2
                ? auc(actual, probabilities, modelClasses.get(1), 1)
                : macroAuc(modelClasses, actual, probabilities);
        return new ClassificationMetrics(
                classes,
                confusion,
                actual.isEmpty() ? 0 : (double) correct / actual.size(),
                precision,
                recall,
                f1,
                mean(precision),
                mean(recall),
                mean(f1),
                auc);
    }

    private static double macroAuc(List<String> classes, List<String> actual, List<double[]> probabilities) {
        double sum = 0;
        int defined = 0;
        for (int c = 0; c < classes.size(); c++) {
            double auc = auc(actual, probabilities, classes.get(c), c);
            if (!Double.isNaN(auc)) {
                sum += auc;
                defined++;
            }
        }
        return defined == 0 ? Double.NaN : sum / defined;
    }

    /** Area under the ROC curve as the Mann-Whitney statistic, ties counted half. */
    static double auc(List<String> actual, List<double[]> probabilities, String positive, int column) {
        int n = actual.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                (a, b) -> Double.compare(
                        probabilities.get(a)[column], probabilities.get(b)[column]));
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n
                    && probabilities.get(order[j + 1])[column] == probabilities.get(order[i])[column]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                if (actual.get(order[t]).equals(positive)) {
                    rankSumPositive += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    private static int argMax(double[] values) {
        int best = 0;
        for (int j = 1; j < values.length; j++) {
            if (values[j] > values[best]) {
                best = j;
            }
        }
        return best;
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
}
