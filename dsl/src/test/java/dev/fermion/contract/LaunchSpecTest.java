package dev.fermion.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LaunchSpecTest {

    private static LaunchSpec full() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("learning-rate", "{{inputs.parameters.learning-rate}}");
        params.put("epochs", "30");
        params.put("query", "a=b=c");
        return new LaunchSpec(
                "com.acme.Train",
                "iris",
                "train",
                "{{workflow.uid}}",
                2,
                params,
                Map.of("data", LaunchSpec.INPUTS + "/data"),
                Map.of("final-loss", LaunchSpec.OUTPUT_PARAMS + "/final-loss"),
                Map.of("model", LaunchSpec.OUTPUT_ARTIFACTS + "/model"),
                LaunchSpec.METRICS);
    }

    @Test
    void argumentsRoundTrip() {
        LaunchSpec spec = full();
        assertThat(LaunchSpec.parse(spec.toArgs())).isEqualTo(spec);
    }

    @Test
    void minimalSpecRoundTripsWithoutOptionalArguments() {
        LaunchSpec spec = new LaunchSpec("C", "p", "s", "r", 0, Map.of(), Map.of(), Map.of(), Map.of(), null);
        assertThat(spec.toArgs())
                .containsExactly("--component", "C", "--pipeline", "p", "--step", "s", "--run-id", "r");
        assertThat(LaunchSpec.parse(spec.toArgs())).isEqualTo(spec);
    }

    @Test
    void argumentsAreInAStableOrder() {
        assertThat(full().toArgs())
                .containsExactly(
                        "--component",
                        "com.acme.Train",
                        "--pipeline",
                        "iris",
                        "--step",
                        "train",
                        "--run-id",
                        "{{workflow.uid}}",
                        "--attempt",
                        "2",
                        "--param",
                        "epochs=30",
                        "--param",
                        "learning-rate={{inputs.parameters.learning-rate}}",
                        "--param",
                        "query=a=b=c",
                        "--input",
                        "data=/fermion/inputs/data",
                        "--output-param",
                        "final-loss=/fermion/outputs/params/final-loss",
                        "--output-artifact",
                        "model=/fermion/outputs/artifacts/model",
                        "--metrics",
                        "/fermion/outputs/metrics.jsonl");
    }

    @Test
    void argumentOrderDoesNotMatterWhenParsing() {
        List<String> args = new ArrayList<>(full().toArgs());
        List<String> reversed = new ArrayList<>();
        for (int i = args.size() - 2; i >= 0; i -= 2) {
            reversed.add(args.get(i));
            reversed.add(args.get(i + 1));
        }
        assertThat(LaunchSpec.parse(reversed)).isEqualTo(full());
    }

    static Stream<Arguments> badArguments() {
        List<String> base = List.of("--component", "C", "--pipeline", "p", "--step", "s", "--run-id", "r");
        return Stream.of(
                Arguments.of(
                        List.of("--component", "C", "--pipeline", "p", "--step", "s"),
                        "missing launcher argument --run-id"),
                Arguments.of(List.of(), "missing launcher argument --component"),
                Arguments.of(plus(base, "--metrics"), "argument --metrics needs a value"),
                Arguments.of(plus(base, "--verbose", "yes"), "unknown launcher argument '--verbose'"),
                Arguments.of(plus(base, "--param", "epochs"), "--param expects name=value, got 'epochs'"),
                Arguments.of(plus(base, "--input", "=/data"), "--input expects name=value, got '=/data'"),
                Arguments.of(plus(base, "--param", "a=1", "--param", "a=2"), "--param a is given twice"),
                Arguments.of(plus(base, "--step", "other"), "--step is given twice"),
                Arguments.of(plus(base, "--attempt", "first"), "--attempt expects a number, got 'first'"));
    }

    private static List<String> plus(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badArguments")
    void parseErrorsSayWhatIsWrong(List<String> args, String message) {
        assertThatThrownBy(() -> LaunchSpec.parse(args))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void requiredFieldsMustBeGiven() {
        assertThatThrownBy(() -> new LaunchSpec(null, "p", "s", "r", 0, Map.of(), Map.of(), Map.of(), Map.of(), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("component");
    }
}
