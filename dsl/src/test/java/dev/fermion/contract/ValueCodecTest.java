package dev.fermion.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.types.ValueType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueCodecTest {
    public enum Stage {
        STAGING,
        PRODUCTION
    }

    public record Metrics(String name, double accuracy, List<Integer> epochs) {}

    static Stream<Arguments> values() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("setosa", 50);
        counts.put("virginica", 49);
        return Stream.of(
                Arguments.of(ValueType.of(String.class), "hello world", "hello world"),
                Arguments.of(ValueType.of(String.class), "", ""),
                Arguments.of(
                        ValueType.of(String.class), "multi\nline \"quoted\" ünïcode", "multi\nline \"quoted\" ünïcode"),
                Arguments.of(ValueType.of(Integer.class), 42, "42"),
                Arguments.of(ValueType.of(Integer.class), Integer.MIN_VALUE, "-2147483648"),
                Arguments.of(ValueType.of(Long.class), Long.MAX_VALUE, "9223372036854775807"),
                Arguments.of(ValueType.of(Double.class), 0.1, "0.1"),
                Arguments.of(ValueType.of(Double.class), 3.0, "3.0"),
                Arguments.of(ValueType.of(Double.class), 1e7, "10000000.0"),
                Arguments.of(ValueType.of(Double.class), 1e20, "1.0E20"),
                Arguments.of(ValueType.of(Double.class), -2.5e-8, "-2.5E-8"),
                Arguments.of(ValueType.of(Double.class), -0.0, "-0.0"),
                Arguments.of(ValueType.of(Double.class), Double.NaN, "NaN"),
                Arguments.of(ValueType.of(Double.class), Double.NEGATIVE_INFINITY, "-Infinity"),
                Arguments.of(ValueType.of(Boolean.class), true, "true"),
                Arguments.of(ValueType.of(Boolean.class), false, "false"),
                Arguments.of(ValueType.of(Stage.class), Stage.PRODUCTION, "PRODUCTION"),
                Arguments.of(ValueType.listOf(Double.class), List.of(0.5, 1.0, -2.25), "[0.5,1.0,-2.25]"),
                Arguments.of(ValueType.listOf(String.class), List.of(), "[]"),
                Arguments.of(ValueType.mapOf(Integer.class), counts, "{\"setosa\":50,\"virginica\":49}"),
                Arguments.of(
                        ValueType.of(Metrics.class),
                        new Metrics("run {{1}}", 0.97, List.of(1, 2)),
                        "{\"name\":\"run {{1}}\",\"accuracy\":0.97,\"epochs\":[1,2]}"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("values")
    <T> void roundTrip(ValueType<T> type, T value, String encoded) {
        assertThat(ValueCodec.encode(type, value)).isEqualTo(encoded);
        assertThat(ValueCodec.decode(type, encoded)).isEqualTo(value);
        assertThat(ValueCodec.decode(type, ValueCodec.disarm(ValueCodec.armour(encoded))))
                .isEqualTo(value);
    }

    record Point(int x, double y, String label) {}

    @Test
    void aFieldOfARecordIsEncodedAsItsComponent() {
        String record = ValueCodec.encode(ValueType.of(Point.class), new Point(3, 1.0, "a\"b"));
        assertThat(ValueCodec.field(record, "x", ValueType.of(Integer.class))).isEqualTo("3");
        assertThat(ValueCodec.field(record, "y", ValueType.of(Double.class))).isEqualTo("1.0");
        assertThat(ValueCodec.field(record, "label", ValueType.of(String.class)))
                .isEqualTo("a\"b");
        assertThatThrownBy(() -> ValueCodec.field(record, "z", ValueType.of(String.class)))
                .hasMessageContaining("has no value for 'z'");
    }

    @Test
    void decodedCollectionsHaveTheirElementTypes() {
        List<Double> list = ValueCodec.decode(ValueType.listOf(Double.class), "[1, 2]");
        assertThat(list).containsExactly(1.0, 2.0);
        Map<String, Integer> map = ValueCodec.decode(ValueType.mapOf(Integer.class), "{\"a\": 1}");
        assertThat(map).containsEntry("a", 1);
    }

    @Test
    void numbersAndBooleansTolerateSurroundingWhitespace() {
        assertThat(ValueCodec.decode(ValueType.of(Integer.class), " 7\n")).isEqualTo(7);
        assertThat(ValueCodec.decode(ValueType.of(Double.class), "2")).isEqualTo(2.0);
        assertThat(ValueCodec.decode(ValueType.of(Boolean.class), "TRUE ")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"{{workflow.uid}}", "a {{inputs.parameters.x}} b", "{{", "fermion:b64:", "fermion:b64:aGk="})
    void armourHidesExpressionsAndThePrefixAndDisarmRestoresThem(String raw) {
        String armoured = ValueCodec.armour(raw);
        assertThat(armoured).startsWith(ValueCodec.ARMOUR_PREFIX).doesNotContain("{{");
        assertThat(ValueCodec.disarm(armoured)).isEqualTo(raw);
    }

    /** A user's value is read as given: only the launcher, at a workflow's edge, removes armour. */
    @ParameterizedTest
    @ValueSource(strings = {"fermion:b64:c3BlY2llcw==", "fermion:b64:!!!", "fermion:b64:"})
    void decodeTakesValuesThatLookArmouredAsTheyAre(String raw) {
        assertThat(ValueCodec.decode(ValueType.of(String.class), raw)).isEqualTo(raw);
        assertThat(ValueCodec.disarm(ValueCodec.armour(raw))).isEqualTo(raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "{ not an expression }", "prefix fermion:b64: in the middle", ""})
    void armourLeavesOrdinaryValuesAlone(String raw) {
        assertThat(ValueCodec.armour(raw)).isEqualTo(raw);
        assertThat(ValueCodec.disarm(raw)).isEqualTo(raw);
    }

    @Test
    void decodeErrorsNameTheType() {
        assertThatThrownBy(() -> ValueCodec.decode(ValueType.of(Integer.class), "ten"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'ten' is not a valid Integer");
        assertThatThrownBy(() -> ValueCodec.decode(ValueType.of(Long.class), "1.5"))
                .hasMessageContaining("is not a valid Long");
        assertThatThrownBy(() -> ValueCodec.decode(ValueType.of(Double.class), "fast"))
                .hasMessageContaining("'fast' is not a valid Double");
        assertThatThrownBy(() -> ValueCodec.decode(ValueType.of(Boolean.class), "yes"))
                .hasMessage("'yes' is not a valid Boolean (write true or false)");
        assertThatThrownBy(() -> ValueCodec.decode(ValueType.of(Stage.class), "QA"))
                .hasMessage("'QA' is not a valid ValueCodecTest$Stage: use one of [STAGING, PRODUCTION]");
        assertThatThrownBy(() -> ValueCodec.decode(ValueType.listOf(Double.class), "1, 2"))
                .hasMessageContaining("is not a valid List<Double> (write a JSON array");
        assertThatThrownBy(() -> ValueCodec.decode(ValueType.listOf(Double.class), "[\"a\"]"))
                .hasMessageContaining("is not a valid List<Double>");
        assertThatThrownBy(() -> ValueCodec.decode(ValueType.mapOf(Integer.class), "[]"))
                .hasMessageContaining("is not a valid Map<String, Integer> (write a JSON object)");
        assertThatThrownBy(() -> ValueCodec.decode(ValueType.of(Metrics.class), "{\"name\":"))
                .hasMessageContaining("is not a valid ValueCodecTest$Metrics");
        assertThatThrownBy(() -> ValueCodec.decode(ValueType.of(Integer.class), null))
                .hasMessage("missing value, expected Integer");
    }

    @Test
    void longBadValuesAreAbbreviated() {
        String text = "x".repeat(200);
        assertThatThrownBy(() -> ValueCodec.decode(ValueType.of(Integer.class), text))
                .hasMessageContaining("x".repeat(77) + "...'")
                .hasMessageNotContaining("x".repeat(78));
    }

    @Test
    void encodeRejectsNullAndArtifacts() {
        assertThatThrownBy(() -> ValueCodec.encode(ValueType.of(String.class), null))
                .hasMessage("null is not a value of String");
        assertThatThrownBy(() -> ValueCodec.encode(
                        ValueType.of(dev.fermion.types.Dataset.class),
                        new dev.fermion.types.Dataset(java.nio.file.Path.of("d"))))
                .hasMessageContaining("artifacts are not encoded");
    }
}
