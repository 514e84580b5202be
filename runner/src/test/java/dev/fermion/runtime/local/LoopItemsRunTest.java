package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.testfixtures.LoopItems;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loops of {@link LoopItems}, run locally: what each iteration received is what the compiler's golden file
 * {@code loop-items.yaml} hands Argo's iterations.
 */
class LoopItemsRunTest {
    @TempDir
    Path home;

    @Test
    void eachIterationReceivesTheFieldsOfItsRecordAndTheValuesItsListWasBuiltFrom() {
        RunResult result = new LocalRunner(
                        RunOptions.defaults().withHome(new FermionHome(home)).withParallelism(4))
                .run(LoopItems.pipeline().plan(), Map.of("n", "7"));

        assertThat(result.succeeded()).as(RunStore.toJson(result.record())).isTrue();
        // A step's list-of-records output, field by field.
        assertThat(result.step("from-step/0/take").outputs()).containsEntry("seen", "1/0.5/a");
        assertThat(result.step("from-step/1/take").outputs()).containsEntry("seen", "2/2.0/b");
        // A constant list of records, a name that would be an Argo reference if pasted included.
        assertThat(result.step("constant/0/take-constant").outputs()).containsEntry("seen", "3/0.25/c");
        assertThat(result.step("constant/1/take-constant").outputs()).containsEntry("seen", "4/1.5/d's {{x}}");
        // Maps and lists mixing a parameter, a step's output and constants.
        assertThat(result.step("maps/0/take-map").outputs()).containsEntry("seen", "{n=7, one=11}");
        assertThat(result.step("maps/1/take-map").outputs()).containsEntry("seen", "{k=3}");
        assertThat(result.step("nested").outputs()).containsEntry("seen", "[[7, 1], [11]]");
    }
}
