package dev.fermion.components.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class FeatureRowsTest {
    /** id, x (numeric), color, y (numeric), label */
    private static final boolean[] NUMERIC = {false, true, false, true, false};

    private static CleanRow row(long line, String x, String color, String y, String label) {
        double[] numbers = {
            Double.NaN, x.isEmpty() ? Double.NaN : Double.parseDouble(x), Double.NaN, Double.parseDouble(y), Double.NaN
        };
        return new CleanRow(
                "/data/a.csv",
                line,
                Long.toString(line),
                label,
                List.of(Long.toString(line), x, color, y, label),
                numbers,
                true);
    }

    /** The feature transform reads back every row as it was validated: its id, label, numbers and other values. */
    @Test
    void keepsWhatTheFeatureTransformReadsOfEveryRow() throws Exception {
        List<CleanRow> rows =
                List.of(row(2, "1.5", "red", "-3", "a"), row(5, "", "", "0.25", "b"), row(9, "1e3", "red", "7", "a"));
        FeatureRows compact = FeatureRows.of(rows, NUMERIC);
        // What a runner that moves the rows between workers hands on: a copy through the coder.
        FeatureRows copy = CoderUtils.clone(FeatureRows.CODER, compact);

        for (FeatureRows kept : List.of(compact, copy)) {
            assertThat(kept.size()).isEqualTo(3);
            assertThat(kept.file()).isEqualTo("/data/a.csv");
            assertThat(kept.line()).isEqualTo(2);
            String[] values = new String[5];
            double[] numbers = new double[5];
            for (int r = 0; r < rows.size(); r++) {
                CleanRow original = rows.get(r);
                kept.load(r, values, numbers);
                assertThat(kept.id(r)).isEqualTo(original.id());
                assertThat(kept.label(r)).isEqualTo(original.label());
                assertThat(numbers).containsExactly(original.numbers());
                // Numeric values are read from their numbers and the id apart, so only the others are kept.
                assertThat(Arrays.asList(values))
                        .containsExactly(
                                null,
                                null,
                                original.values().get(2),
                                null,
                                original.values().get(4));
            }
        }
    }

    @Test
    void repeatedValuesAreOneObject() {
        FeatureRows compact = FeatureRows.of(
                List.of(
                        row(2, "1", new String("red"), "2", new String("a")),
                        row(3, "1", new String("red"), "2", new String("a"))),
                NUMERIC);
        String[] first = new String[5];
        String[] second = new String[5];
        compact.load(0, first, new double[5]);
        compact.load(1, second, new double[5]);
        assertThat(second[2]).isSameAs(first[2]);
        assertThat(compact.label(1)).isSameAs(compact.label(0));
    }

    /** The coder keeps that sharing: a chunk moved between workers takes no more memory than the original. */
    @Test
    void repeatedValuesAreOneObjectAfterTheCoder() throws Exception {
        FeatureRows copy = CoderUtils.clone(
                FeatureRows.CODER,
                FeatureRows.of(
                        List.of(
                                row(2, "1", "red", "2", "a"),
                                row(3, "1", "red", "2", "a"),
                                row(4, "1", "blue", "2", "red")),
                        NUMERIC));
        String[][] values = new String[3][5];
        for (int r = 0; r < 3; r++) {
            copy.load(r, values[r], new double[5]);
        }
        assertThat(values[1][2]).isSameAs(values[0][2]);
        assertThat(copy.label(1)).isSameAs(copy.label(0));
        assertThat(copy.label(2)).isSameAs(values[0][2]);
        assertThat(values[2][2]).isEqualTo("blue");
    }

    /** Equal chunks encode to equal bytes, which runners compare to detect mutation and to group by. */
    @Test
    void theEncodingIsDeterministic() throws Exception {
        List<CleanRow> rows = List.of(row(2, "1.5", "red", "-3", "a"), row(5, "", "", "0.25", "b"));
        assertThat(CoderUtils.encodeToByteArray(FeatureRows.CODER, FeatureRows.of(rows, NUMERIC)))
                .isEqualTo(CoderUtils.encodeToByteArray(FeatureRows.CODER, FeatureRows.of(List.copyOf(rows), NUMERIC)));
    }

    @Test
    void anEmptySplitHasNoRows() {
        assertThat(FeatureRows.of(List.of(), NUMERIC).size()).isZero();
    }
}
