package dev.fermion.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.types.Artifact;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.Model;
import dev.fermion.types.ValueType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueTypeTest {
    enum Colour {
        RED
    }

    record Point(int x, int y) {}

    @Test
    void kinds() {
        assertThat(ValueType.of(String.class).kind()).isEqualTo(ValueType.Kind.STRING);
        assertThat(ValueType.of(Integer.class).kind()).isEqualTo(ValueType.Kind.INTEGER);
        assertThat(ValueType.of(int.class).kind()).isEqualTo(ValueType.Kind.INTEGER);
        assertThat(ValueType.of(Long.class).kind()).isEqualTo(ValueType.Kind.LONG);
        assertThat(ValueType.of(Double.class).kind()).isEqualTo(ValueType.Kind.DOUBLE);
        assertThat(ValueType.of(Boolean.class).kind()).isEqualTo(ValueType.Kind.BOOLEAN);
        assertThat(ValueType.of(Colour.class).kind()).isEqualTo(ValueType.Kind.ENUM);
        assertThat(ValueType.of(Point.class).kind()).isEqualTo(ValueType.Kind.RECORD);
        assertThat(new ValueType<List<Double>>() {}.kind()).isEqualTo(ValueType.Kind.LIST);
        assertThat(new ValueType<Map<String, Integer>>() {}.kind()).isEqualTo(ValueType.Kind.MAP);
    }

    @Test
    void artifactTypesAreArtifactsAlthoughTheyAreRecords() {
        for (Class<? extends Artifact> type : List.of(Dataset.class, Model.class, Directory.class)) {
            assertThat(ValueType.of(type).isArtifact()).as(type.getSimpleName()).isTrue();
        }
    }

    @Test
    void listOfEqualsTheCapturedListType() {
        ValueType<List<Double>> captured = new ValueType<>() {};
        ValueType<List<Double>> built = ValueType.listOf(ValueType.of(Double.class));
        assertThat(built).isEqualTo(captured).hasSameHashCodeAs(captured);
        assertThat(captured).isEqualTo(built);
        assertThat(built.elementType()).isEqualTo(ValueType.of(Double.class));
        assertThat(built.displayName()).isEqualTo("List<Double>");
    }

    @Test
    void listsAndMapsBuiltFromClassesEqualTheCapturedTypes() {
        assertThat(ValueType.listOf(Double.class))
                .isEqualTo(new ValueType<List<Double>>() {})
                .hasSameHashCodeAs(new ValueType<List<Double>>() {});
        ValueType<Map<String, Integer>> built = ValueType.mapOf(Integer.class);
        assertThat(built)
                .isEqualTo(new ValueType<Map<String, Integer>>() {})
                .hasSameHashCodeAs(new ValueType<Map<String, Integer>>() {});
        assertThat(built.kind()).isEqualTo(ValueType.Kind.MAP);
        assertThat(built.displayName()).isEqualTo("Map<String, Integer>");
        assertThat(ValueType.listOf(ValueType.listOf(Long.class)).displayName()).isEqualTo("List<List<Long>>");
        assertThat(ValueType.listOf(ValueType.mapOf(String.class)).elementType())
                .isEqualTo(ValueType.mapOf(String.class));
    }

    @Test
    void unsupportedTypesAreRejected() {
        assertThatThrownBy(() -> ValueType.of(Object.class)).hasMessageContaining("Unsupported value type");
        assertThatThrownBy(() -> new ValueType<Map<Integer, String>>() {})
                .hasMessageContaining("Map keys must be String");
    }
}
