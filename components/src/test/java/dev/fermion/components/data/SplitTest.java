package dev.fermion.components.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SplitTest {
    private final List<String> ids =
            IntStream.range(0, 2000).mapToObj(Integer::toString).toList();

    @Test
    void assignmentDependsOnSeedAndIdOnly() {
        Split split = new Split(42, 0.7, 0.15, 0.15);
        int[] first = ids.stream().mapToInt(split::assign).toArray();
        int[] again =
                ids.stream().mapToInt(new Split(42, 0.7, 0.15, 0.15)::assign).toArray();
        int[] other =
                ids.stream().mapToInt(new Split(43, 0.7, 0.15, 0.15)::assign).toArray();
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void independentAssignmentFollowsTheRatiosApproximately() {
        Split split = new Split(1, 0.6, 0.2, 0.2);
        long train = ids.stream().filter(id -> split.assign(id) == Split.TRAIN).count();
        long test = ids.stream().filter(id -> split.assign(id) == Split.TEST).count();
        assertThat(train).isBetween(1100L, 1300L);
        assertThat(test).isBetween(320L, 480L);
    }

    @Test
    void stratumAssignmentIsExactAndIndependentOfOrder() {
        Split split = new Split(5, 0.7, 0.15, 0.15);
        List<String> stratum = ids.subList(0, 50);
        Split.StratumBounds bounds = split.stratumBounds(stratum);
        Map<Integer, Long> sizes =
                stratum.stream().collect(Collectors.groupingBy(id -> split.assign(id, bounds), Collectors.counting()));
        assertThat(sizes)
                .containsExactlyInAnyOrderEntriesOf(Map.of(Split.TRAIN, 35L, Split.VALIDATION, 8L, Split.TEST, 7L));

        List<String> reversed = new ArrayList<>(stratum);
        Collections.reverse(reversed);
        assertThat(split.stratumBounds(reversed)).isEqualTo(bounds);
    }

    @Test
    void smallStrataFillTrainFirst() {
        Split split = new Split(5, 0.7, 0.15, 0.15);
        Split.StratumBounds one = split.stratumBounds(List.of("a"));
        assertThat(split.assign("a", one)).isEqualTo(Split.TRAIN);
        Split.StratumBounds two = split.stratumBounds(List.of("a", "b"));
        // round(2 * 0.7) = 1 row for train, round(2 * 0.15) = 0 for validation, the other one for test
        assertThat(Stream.of("a", "b").map(id -> split.assign(id, two)))
                .containsExactlyInAnyOrder(Split.TRAIN, Split.TEST);
        Split.StratumBounds none = new Split(5, 0.8, 0.0, 0.2).stratumBounds(ids.subList(0, 10));
        assertThat(ids.subList(0, 10).stream().map(id -> new Split(5, 0.8, 0.0, 0.2).assign(id, none)))
                .containsOnly(Split.TRAIN, Split.TEST)
                .filteredOn(s -> s == Split.TEST)
                .hasSize(2);
    }

    @Test
    void rejectsRatiosThatDoNotSumToOne() {
        assertThatThrownBy(() -> new Split(1, 0.7, 0.2, 0.2)).hasMessageContaining("sum to 1");
    }
}
