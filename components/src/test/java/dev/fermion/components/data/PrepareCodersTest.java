package dev.fermion.components.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.components.preprocess.Feature;
import dev.fermion.components.preprocess.ImputeStrategy;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.preprocess.Scaling;
import dev.fermion.components.table.ColumnType;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

/** The coders of the preparation pipeline's values hand on every field, and the same value as the same bytes. */
class PrepareCodersTest {
    private static <T> T roundTrip(Coder<T> coder, T value) throws Exception {
        byte[] bytes = CoderUtils.encodeToByteArray(coder, value);
        T copy = CoderUtils.decodeFromByteArray(coder, bytes);
        assertThat(CoderUtils.encodeToByteArray(coder, copy)).isEqualTo(bytes);
        return copy;
    }

    @Test
    void aCleanRowKeepsEveryField() throws Exception {
        CleanRow row = new CleanRow(
                "/data/a.csv",
                7,
                "id-7",
                "yes",
                List.of("id-7", "", "a \"b\""),
                new double[] {Double.NaN, -0.0, 1e300},
                false);
        CleanRow copy = roundTrip(CleanRow.CODER, row);
        assertThat(copy.file()).isEqualTo("/data/a.csv");
        assertThat(copy.line()).isEqualTo(7);
        assertThat(copy.id()).isEqualTo("id-7");
        assertThat(copy.label()).isEqualTo("yes");
        assertThat(copy.values()).isEqualTo(row.values());
        assertThat(copy.numbers()).containsExactly(Double.NaN, -0.0, 1e300);
        assertThat(copy.plain()).isFalse();
    }

    @Test
    void stratumBoundsKeepBothBoundsOrNone() throws Exception {
        Split split = new Split(42, 0.7, 0.15, 0.15);
        Split.StratumBounds bounds = split.stratumBounds(List.of("a", "b", "c", "d", "e", "f", "g", "h"));
        assertThat(roundTrip(Split.StratumBounds.CODER, bounds)).isEqualTo(bounds);
        Split.StratumBounds none = new Split.StratumBounds(null, null);
        assertThat(roundTrip(Split.StratumBounds.CODER, none)).isEqualTo(none);
    }

    @Test
    void aFittedPreprocessingKeepsEveryField() throws Exception {
        Preprocessing fitted = new Preprocessing(
                List.of(
                        new Feature("x", ColumnType.NUMERIC, 1.5, 0.25, 3.0, List.of()),
                        new Feature("color", ColumnType.CATEGORICAL, 0, 0, 1, List.of("blue", "red"))),
                "label",
                ColumnType.CATEGORICAL,
                ImputeStrategy.MEDIAN,
                Scaling.MIN_MAX,
                List.of("NA", ""));
        assertThat(roundTrip(PreprocessingCoder.INSTANCE, fitted)).isEqualTo(fitted);
        Preprocessing unlabelled =
                new Preprocessing(fitted.features(), null, null, ImputeStrategy.MEAN, Scaling.NONE, List.of());
        assertThat(roundTrip(PreprocessingCoder.INSTANCE, unlabelled)).isEqualTo(unlabelled);
    }

    @Test
    void aSplitChunkKeepsItsThreeSplits() throws Exception {
        CleanRow row = new CleanRow(
                "/data/a.csv", 3, "3", "a", List.of("3", "1", "a"), new double[] {Double.NaN, 1, Double.NaN}, true);
        boolean[] numeric = {false, true, false};
        SplitChunk chunk = new SplitChunk(List.of(
                FeatureRows.of(List.of(row), numeric),
                FeatureRows.of(List.of(), numeric),
                FeatureRows.of(List.of(), numeric)));
        SplitChunk copy = roundTrip(SplitChunk.CODER, chunk);
        assertThat(copy.splits()).extracting(FeatureRows::size).containsExactly(1, 0, 0);
        assertThat(copy.splits().get(0).id(0)).isEqualTo("3");
        assertThat(copy.splits().get(0).line()).isEqualTo(3);
    }
}
