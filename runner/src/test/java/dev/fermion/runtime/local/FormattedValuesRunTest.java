package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.contract.ValueCodec;
import dev.fermion.testfixtures.FormattedValues;
import dev.fermion.testfixtures.FormattedValues.Sample;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loops of {@link FormattedValues}, run locally: each iteration says what it says on Argo, where the
 * compiler's {@code FormattedValuesTest} evaluates the same loops with Argo's own code.
 */
class FormattedValuesRunTest {
    @TempDir
    Path home;

    @Test
    void formattedValuesAreJavasTextOfThemAsOnArgo() {
        RunResult result = run(FormattedValues.pipeline(), Map.of());

        assertThat(result.succeeded()).as(RunStore.toJson(result.record())).isTrue();
        List<Sample> samples = FormattedValues.samples();
        for (int i = 0; i < samples.size(); i++) {
            assertThat(result.step("samples/" + i + "/say").outputs())
                    .containsEntry("said", FormattedValues.said(samples.get(i)));
            assertThat(result.step("rates/" + i + "/say-rate").outputs())
                    .containsEntry(
                            "said",
                            ValueCodec.encode(
                                    dev.fermion.types.ValueType.of(Double.class), FormattedValues.DOUBLES.get(i)));
        }
        assertThat(result.step("samples/4/say").outputs().get("said"))
                .startsWith("123456789.0|")
                .contains("\"rate\":1.23456789E8", "\"weights\":{\"a<b\":0.5,\"z\":1.23456789E8}");
    }

    @Test
    void aLongArgoCannotReadExactlyIsRefusedAsOnArgo() {
        for (long count : FormattedValues.INEXACT) {
            String samples =
                    ValueCodec.encode(FormattedValues.SAMPLES, List.of(new Sample(1.0, count, 1, true, "x", Map.of())));

            RunResult result = run(FormattedValues.pipeline(), Map.of("samples", samples));

            assertThat(result.succeeded()).as("%s", count).isFalse();
            assertThat(RunStore.toJson(result.record())).as("%s", count).contains("2^53 (9007199254740992)");
        }
    }

    private RunResult run(dev.fermion.dsl.Pipeline pipeline, Map<String, String> params) {
        return new LocalRunner(
                        RunOptions.defaults().withHome(new FermionHome(home)).withParallelism(4))
                .run(pipeline.plan(), params);
    }
}
