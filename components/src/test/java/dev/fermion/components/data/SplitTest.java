package dev.fermion.components.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SplitTest {
    private final List<String> ids = IntStream.range(0, 2000).mapToObj(Integer::toString).toList();

    @Test
    void assignmentDependsOnSeedAndIdOnly() {
        Split split = new Split(42, 0.7, 0.15, 0.15);
        int[] first = ids.stream().mapToInt(split::assign).toArray();
        int[] again = ids.stream().mapToInt(new Split(42, 0.7, 0.15, 0.15)::assign).toArray();
        int[] other = ids.stream().mapToInt(new Split(43, 0.7, 0.15, 0.15)::assign).toArray();
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
        int[] splits = split.assignStratum(stratum);
        assertThat(Arrays.stream(splits).filter(s -> s == Split.TRAIN).count()).isEqualTo(35);
        assertThat(Arrays.stream(splits).filter(s -> s == Split.VALIDATION).count()).isEqualTo(8);
        assertThat(Arrays.stream(splits).filter(s -> s == Split.TEST).count()).isEqualTo(7);

        List<String> reversed = new java.util.ArrayList<>(stratum);
        java.util.Collections.reverse(reversed);
        int[] reversedSplits = split.assignStratum(reversed);
        for (int i = 0; i < 50; i++) {
            assertThat(reversedSplits[49 - i]).isEqualTo(splits[i]);
        }
    }

    @Test
    void rejectsRatiosThatDoNotSumToOne() {
        assertThatThrownBy(() -> new Split(1, 0.7, 0.2, 0.2)).hasMessageContaining("sum to 1");
    }
}
