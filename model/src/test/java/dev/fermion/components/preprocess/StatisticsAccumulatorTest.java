package dev.fermion.components.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StatisticsAccumulatorTest {
    private static final List<Column> COLUMNS = List.of(
            new Column("x", ColumnType.NUMERIC),
            new Column("wide", ColumnType.NUMERIC),
            new Column("c", ColumnType.CATEGORICAL));

    /** Values whose floating sums depend on the order they are added in, of very different magnitudes. */
    private static List<List<String>> rows(int n, long seed) {
        Random random = new Random(seed);
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(List.of(
                    Double.toString(3.7 + random.nextGaussian() / 3),
                    Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(30) - 10)),
                    i % 7 == 0 ? "" : "c" + random.nextInt(4)));
        }
        return rows;
    }

    /**
     * Beam merges partial statistics in whatever order its workers finish: every grouping and order of the
     * same rows must give the very same statistics, or the file they are written to, and every cache key
     * after it, changes from one run to the next.
     */
    @Test
    void partialsMergedInAnyOrderGiveIdenticalStatistics() {
        List<List<String>> rows = rows(997, 1);
        StatisticsAccumulator onePass = new StatisticsAccumulator(COLUMNS, true);
        rows.forEach(onePass::add);
        DatasetStatistics expected = onePass.result();

        Random random = new Random(2);
        for (int trial = 0; trial < 20; trial++) {
            List<List<String>> shuffled = new ArrayList<>(rows);
            Collections.shuffle(shuffled, random);
            List<StatisticsAccumulator> partials = new ArrayList<>();
            int start = 0;
            while (start < shuffled.size()) {
                int end = Math.min(shuffled.size(), start + 1 + random.nextInt(200));
                StatisticsAccumulator partial = new StatisticsAccumulator(COLUMNS, true);
                shuffled.subList(start, end).forEach(partial::add);
                partials.add(partial);
                start = end;
            }
            // Merge as an unbalanced tree in a random order, as combiners of combiners do.
            while (partials.size() > 1) {
                StatisticsAccumulator into = partials.remove(random.nextInt(partials.size()));
                into.merge(partials.remove(random.nextInt(partials.size())));
                partials.add(into);
            }
            assertThat(partials.get(0).result()).as("trial %d", trial).isEqualTo(expected);
        }
    }

    /** Rows whose numbers validation already parsed give the statistics that parsing them gives. */
    @Test
    void parsedNumbersGiveTheStatisticsOfTheTexts() throws Exception {
        StatisticsAccumulator parsing = new StatisticsAccumulator(COLUMNS, true);
        StatisticsAccumulator parsed = new StatisticsAccumulator(COLUMNS, true);
        for (List<String> row : rows(300, 4)) {
            parsing.add(row);
            List<String> withId = new ArrayList<>(List.of("id"));
            withId.addAll(row);
            double[] numbers = {Double.NaN, Double.parseDouble(row.get(0)), Double.parseDouble(row.get(1)), Double.NaN};
            parsed.add(withId, numbers, 1);
        }
        assertThat(parsed).isEqualTo(parsing);
        assertThat(parsed.result()).isEqualTo(parsing.result());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        parsed.writeTo(new DataOutputStream(bytes));
        StatisticsAccumulator read = StatisticsAccumulator.readFrom(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), COLUMNS, true);
        assertThat(read).isEqualTo(parsed);
        assertThat(read.result()).isEqualTo(parsed.result());
    }

    /** Means and deviations are the exact values rounded once: within half a unit in the last place. */
    @Test
    void meanAndDeviationAreTheExactValuesRounded() {
        List<List<String>> rows = rows(1000, 3);
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal squares = BigDecimal.ZERO;
        for (List<String> row : rows) {
            BigDecimal x = new BigDecimal(Double.parseDouble(row.get(1)));
            sum = sum.add(x);
            squares = squares.add(x.multiply(x));
        }
        BigDecimal n = BigDecimal.valueOf(rows.size());
        MathContext context = new MathContext(80);
        BigDecimal mean = sum.divide(n, context);
        BigDecimal std = n.multiply(squares)
                .subtract(sum.multiply(sum))
                .divide(n.multiply(n), context)
                .sqrt(context);
        StatisticsAccumulator accumulator = new StatisticsAccumulator(COLUMNS, false);
        rows.forEach(accumulator::add);

        ColumnStatistics wide = accumulator.result().column("wide");
        assertCorrectlyRounded(wide.mean(), mean);
        assertCorrectlyRounded(wide.std(), std);
    }

    /** Exact rounding also of tiny and subnormal results, and of sums that cancel to nothing. */
    @Test
    void roundsTinyQuotientsAndCancellationsExactly() {
        Moments tiny = new Moments();
        tiny.add(Double.MIN_VALUE);
        tiny.add(0);
        tiny.add(Double.MIN_VALUE * 2);
        assertThat(tiny.mean()).isEqualTo(Double.MIN_VALUE); // 3/3 units of the smallest double
        Moments cancelling = new Moments();
        for (double x : new double[] {1e300, 1, -1e300, 2, 1e-300, -1e-300}) {
            cancelling.add(x);
        }
        assertThat(cancelling.mean()).isEqualTo(0.5);
        Moments constant = new Moments();
        for (int i = 0; i < 10; i++) {
            constant.add(0.1);
        }
        assertThat(constant.mean()).isEqualTo(0.1);
        assertThat(constant.std()).isZero();
        Moments huge = new Moments();
        huge.add(1e200);
        assertThat(huge.mean()).isEqualTo(1e200);
        assertThat(huge.std()).isInfinite();
    }

    private static void assertCorrectlyRounded(double actual, BigDecimal exact) {
        BigDecimal error = new BigDecimal(actual).subtract(exact).abs();
        assertThat(error).isLessThanOrEqualTo(new BigDecimal(Math.ulp(actual)).divide(BigDecimal.valueOf(2)));
    }
}
