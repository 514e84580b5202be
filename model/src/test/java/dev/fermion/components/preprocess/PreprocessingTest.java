package dev.fermion.components.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.TableSchema;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessingTest {
    static final TableSchema SCHEMA = new TableSchema(
            List.of(
                    new Column("id", ColumnType.CATEGORICAL),
                    new Column("x", ColumnType.NUMERIC),
                    new Column("c", ColumnType.CATEGORICAL),
                    new Column("y", ColumnType.CATEGORICAL)),
            "id",
            "y");
    static final List<List<String>> ROWS = List.of(
            List.of("1", "1", "a", "p"),
            List.of("2", "2", "b", "q"),
            List.of("3", "", "a", "p"),
            List.of("4", "9", "a", "q"));

    private static DatasetStatistics statistics() {
        StatisticsAccumulator accumulator = new StatisticsAccumulator(SCHEMA.columns(), true);
        ROWS.forEach(accumulator::add);
        return accumulator.result();
    }

    @Test
    void statisticsCountMissingValuesAndCategories() {
        ColumnStatistics x = statistics().column("x");
        assertThat(x.count()).isEqualTo(3);
        assertThat(x.missing()).isEqualTo(1);
        assertThat(x.mean()).isCloseTo(4, within(1e-12));
        assertThat(x.median()).isEqualTo(2);
        assertThat(x.std()).isCloseTo(Math.sqrt(38.0 / 3), within(1e-12));
        assertThat(statistics().column("c").categories()).containsEntry("a", 3L).containsEntry("b", 1L);
    }

    @Test
    void mergedPartialStatisticsEqualOnePass() {
        StatisticsAccumulator left = new StatisticsAccumulator(SCHEMA.columns(), true);
        StatisticsAccumulator right = new StatisticsAccumulator(SCHEMA.columns(), true);
        left.add(ROWS.get(0));
        left.add(ROWS.get(3));
        right.add(ROWS.get(1));
        right.add(ROWS.get(2));
        left.merge(right);
        DatasetStatistics merged = left.result();
        assertThat(merged.rows()).isEqualTo(4);
        assertThat(merged.column("x").mean()).isCloseTo(statistics().column("x").mean(), within(1e-12));
        assertThat(merged.column("x").std()).isCloseTo(statistics().column("x").std(), within(1e-12));
        assertThat(merged.column("x").median()).isEqualTo(2);
    }

    @Test
    void standardisesImputesAndEncodes() {
        Preprocessing p =
                Preprocessing.fit(SCHEMA, statistics(), ImputeStrategy.MEDIAN, 0, Scaling.STANDARD, List.of("", "NA"));
        assertThat(p.featureNames()).containsExactly("x", "c=a", "c=b");
        Preprocessing.Transformer t = p.bind(List.of("c", "x"));
        double std = Math.sqrt(38.0 / 3);
        assertThat(t.apply(List.of("b", "4"))).containsExactly(0f, 0f, 1f);
        float[] missing = t.apply(List.of("NA", "NA"));
        assertThat(missing[0]).isCloseTo((float) ((2 - 4) / std), within(1e-6f));
        assertThat(missing[1]).isZero();
        assertThat(missing[2]).isZero();
        assertThat(t.apply(List.of("unseen", "4"))).containsExactly(0f, 0f, 0f);
    }

    @Test
    void minMaxAndConstantImputation() {
        Preprocessing p =
                Preprocessing.fit(SCHEMA, statistics(), ImputeStrategy.CONSTANT, 5, Scaling.MIN_MAX, List.of(""));
        Preprocessing.Transformer t = p.bind(List.of("x", "c"));
        assertThat(t.apply(List.of("9", "a"))[0]).isEqualTo(1f);
        assertThat(t.apply(List.of("1", "a"))[0]).isEqualTo(0f);
        assertThat(t.apply(List.of("", "a"))[0]).isEqualTo(0.5f);
    }

    @Test
    void roundTripsThroughJsonAndNamesBadValues(@TempDir Path dir) {
        Preprocessing p = Preprocessing.fit(SCHEMA, statistics(), ImputeStrategy.MEAN, 0, Scaling.NONE, List.of(""));
        p.write(dir);
        assertThat(Preprocessing.read(dir)).isEqualTo(p);
        assertThatThrownBy(() -> p.bind(List.of("c"))).hasMessageContaining("no column 'x'");
        assertThatThrownBy(() -> p.bind(List.of("x", "c")).apply(List.of("ten", "a")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("'ten' of numeric column 'x'");
    }

    @Test
    void refusesToFitAnEmptyTrainingSplit() {
        DatasetStatistics empty = new StatisticsAccumulator(SCHEMA.columns(), false).result();
        assertThatThrownBy(() -> Preprocessing.fit(SCHEMA, empty, ImputeStrategy.MEAN, 0, Scaling.STANDARD, List.of()))
                .hasMessageContaining("training split is empty");
    }
}
