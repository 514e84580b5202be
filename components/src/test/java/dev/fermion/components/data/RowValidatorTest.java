package dev.fermion.components.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.TableSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowValidatorTest {
    private final RowValidator validator = new RowValidator(
            List.of("x", "label"),
            new TableSchema(
                    List.of(
                            new Column("row_id", ColumnType.CATEGORICAL),
                            new Column("x", ColumnType.NUMERIC),
                            new Column("label", ColumnType.CATEGORICAL)),
                    "row_id",
                    "label"),
            true,
            Set.of("label"),
            Map.of(),
            Set.of("", "NA"));

    /**
     * A numeric value is what {@link Double#parseDouble} reads, the refusals that never reach it included:
     * whatever it accepts is a number (finite or not), whatever it refuses is not one.
     */
    @Test
    void aNumericValueIsANumberExactlyWhenJavaReadsOne() {
        List<String> spellings = List.of(
                "1",
                "-2.5",
                "+.5",
                "1e3",
                "1E-3",
                "0x1p3",
                "1d",
                "2F",
                "007",
                "NaN",
                "Infinity",
                "-Infinity",
                "oops",
                "x1",
                "--1",
                "1,5",
                "e3",
                "Nope",
                "Inf",
                "infinity",
                "nan",
                "1..2",
                "\u00bd",
                "#1",
                "_1");
        for (String value : spellings) {
            RowValidator.Outcome outcome = validator.validate(new SourceLine("s.csv", 2, "\"" + value + "\",a"), "2");
            boolean javaReadsIt;
            double parsed = Double.NaN;
            try {
                parsed = Double.parseDouble(value);
                javaReadsIt = true;
            } catch (NumberFormatException e) {
                javaReadsIt = false;
            }
            if (!javaReadsIt) {
                assertThat(outcome.rejection()).as(value).isNotNull();
                assertThat(outcome.rejection().problems().get(0).reason())
                        .as(value)
                        .isEqualTo(RejectReason.NOT_A_NUMBER);
            } else if (!Double.isFinite(parsed)) {
                assertThat(outcome.rejection().problems().get(0).reason())
                        .as(value)
                        .isEqualTo(RejectReason.NOT_FINITE);
            } else {
                assertThat(outcome.row()).as(value).isNotNull();
                assertThat(outcome.row().numbers()[1]).as(value).isEqualTo(parsed);
            }
        }
    }
}
