package dev.fermion.components.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class PrepareTotalsTest {
    private static final List<Column> COLUMNS = List.of(
            new Column("x", ColumnType.NUMERIC),
            new Column("color", ColumnType.CATEGORICAL),
            new Column("label", ColumnType.CATEGORICAL));

    /**
     * The runner copies totals through their coder: a copy must merge into the very statistics, medians,
     * rejections and counts of the original, or the files written from them would depend on scheduling.
     */
    @Test
    void aDecodedCopyMergesLikeTheOriginal() throws Exception {
        PrepareTotals.Layout layout = new PrepareTotals.Layout(COLUMNS, true);
        PrepareTotals totals = layout.empty();
        Random random = new Random(1);
        for (int i = 0; i < 500; i++) {
            double x = random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
            List<String> row =
                    List.of(i % 9 == 0 ? "" : Double.toString(x), "c" + random.nextInt(5) + "\u00e9", "l" + i % 3);
            totals.split(i % 3).add(row, new double[] {x, Double.NaN, Double.NaN}, 0);
        }
        totals.reject(new Rejection(
                "/data/a.csv",
                7,
                new Rejection.Problem("x", RejectReason.NOT_A_NUMBER, "column 'x' value 'oops' is not a number"),
                "oops,red,l1"));
        totals.reject(new Rejection(
                "/data/a.csv",
                3,
                List.of(
                        new Rejection.Problem("", RejectReason.FIELD_COUNT, "2 fields"),
                        new Rejection.Problem("x", RejectReason.NOT_A_NUMBER, "no")),
                "1,2"));

        Coder<PrepareTotals> coder = layout.coder();
        PrepareTotals copy = CoderUtils.clone(coder, totals);

        assertThat(copy).isEqualTo(totals);
        assertThat(copy.rejectedRows()).isEqualTo(2);
        assertThat(copy.rejects().groups()).isEqualTo(totals.rejects().groups());
        for (int split = 0; split < 3; split++) {
            assertThat(copy.split(split).result()).isEqualTo(totals.split(split).result());
        }
        PrepareTotals merged = layout.empty();
        merged.merge(copy);
        merged.merge(CoderUtils.clone(coder, copy));
        PrepareTotals expected = layout.empty();
        expected.merge(totals);
        expected.merge(totals);
        assertThat(merged).isEqualTo(expected);
        assertThat(merged.split(Split.TRAIN).result().column("x").median())
                .isEqualTo(totals.split(Split.TRAIN).result().column("x").median());
    }
}
