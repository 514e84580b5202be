package dev.fermion.components.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void classificationScoresMatchAHandComputedExample() {
        List<String> classes = List.of("a", "b", "c");
        List<String> actual = List.of("a", "a", "b", "b", "c", "c");
        List<double[]> outputs = List.of(
                p(0.8, 0.1, 0.1),
                p(0.2, 0.7, 0.1),
                p(0.1, 0.8, 0.1),
                p(0.1, 0.6, 0.3),
                p(0.1, 0.1, 0.8),
                p(0.5, 0.2, 0.3));
        ClassificationMetrics m = ClassificationMetrics.of(classes, actual, outputs);
        assertThat(m.confusion()).isDeepEqualTo(new long[][] {{1, 1, 0}, {0, 2, 0}, {1, 0, 1}});
        assertThat(m.accuracy()).isCloseTo(4.0 / 6, within(1e-12));
        assertThat(m.precision()).containsExactly(0.5, 2.0 / 3, 1.0);
        assertThat(m.recall()).containsExactly(0.5, 1.0, 0.5);
        assertThat(m.macroF1()).isCloseTo((0.5 + 0.8 + 2.0 / 3) / 3, within(1e-12));
    }

    @Test
    void binaryAucIsThePositiveClassRankStatistic() {
        List<String> actual = List.of("no", "no", "yes", "yes");
        List<double[]> perfect = List.of(p(0.9, 0.1), p(0.6, 0.4), p(0.3, 0.7), p(0.2, 0.8));
        assertThat(ClassificationMetrics.of(List.of("no", "yes"), actual, perfect)
                        .rocAuc())
                .isEqualTo(1.0);
        List<double[]> mixed = List.of(p(0.9, 0.1), p(0.2, 0.8), p(0.6, 0.4), p(0.2, 0.8));
        // Positive scores 0.4 and 0.8 against negatives 0.1 and 0.8: 1 + 0.5 + 1 + 0 wins of 4.
        assertThat(ClassificationMetrics.of(List.of("no", "yes"), actual, mixed).rocAuc())
                .isEqualTo(0.625);
    }

    @Test
    void aLabelTheModelNeverSawCountsAsAnError() {
        ClassificationMetrics m =
                ClassificationMetrics.of(List.of("a", "b"), List.of("a", "z"), List.of(p(0.9, 0.1), p(0.9, 0.1)));
        assertThat(m.classes()).containsExactly("a", "b", "z");
        assertThat(m.accuracy()).isEqualTo(0.5);
        assertThat(m.recall().get(2)).isZero();
    }

    @Test
    void regressionScores() {
        RegressionMetrics m = RegressionMetrics.of(new double[] {1, 2, 3, 4}, new double[] {1, 2, 3, 6});
        assertThat(m.rmse()).isEqualTo(1.0);
        assertThat(m.mae()).isEqualTo(0.5);
        assertThat(m.r2()).isCloseTo(1 - 4 / 5.0, within(1e-12));
        assertThat(RegressionMetrics.of(new double[] {2, 2}, new double[] {2, 2})
                        .r2())
                .isNaN();
    }

    private static double[] p(double... values) {
        return values;
    }
}
