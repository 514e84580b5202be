package dev.fermion.components.data;

import dev.fermion.components.table.Csv;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * A validated row: where it came from, its id, its label and its values in output-schema order, missing
 * values empty. {@code numbers} holds each numeric value as validation parsed it, at the value's index (NaN
 * where a value is missing or not numeric), so that statistics and the feature transform never parse a
 * value again. {@code plain} says that no value but the id needs quotes in CSV.
 */
record CleanRow(String file, long line, String id, String label, List<String> values, double[] numbers, boolean plain)
        implements Located {
    /**
     * Writes every field in order, the numbers as their IEEE bits: the same row always encodes to the same
     * bytes, which the DirectRunner's immutability check compares and a distributed runner ships. Java
     * serialization wrote class descriptors with every chunk and cost the JIT seconds to compile.
     */
    static final Coder<CleanRow> CODER = new CustomCoder<>() {
        @Override
        public void encode(CleanRow row, OutputStream out) throws IOException {
            StringUtf8Coder.of().encode(row.file(), out);
            VarLongCoder.of().encode(row.line(), out);
            StringUtf8Coder.of().encode(row.id(), out);
            StringUtf8Coder.of().encode(row.label(), out);
            VarIntCoder.of().encode(row.values().size(), out);
            for (String value : row.values()) {
                StringUtf8Coder.of().encode(value, out);
            }
            DataOutputStream data = new DataOutputStream(out);
            for (double number : row.numbers()) {
                data.writeDouble(number);
            }
            data.writeBoolean(row.plain());
            data.flush();
        }

        @Override
        public CleanRow decode(InputStream in) throws IOException {
            String file = StringUtf8Coder.of().decode(in);
            long line = VarLongCoder.of().decode(in);
            String id = StringUtf8Coder.of().decode(in);
            String label = StringUtf8Coder.of().decode(in);
            int size = VarIntCoder.of().decode(in);
            List<String> values = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                values.add(StringUtf8Coder.of().decode(in));
            }
            DataInputStream data = new DataInputStream(in);
            double[] numbers = new double[size];
            for (int i = 0; i < size; i++) {
                numbers[i] = data.readDouble();
            }
            return new CleanRow(file, line, id, label, values, numbers, data.readBoolean());
        }

        @Override
        public void verifyDeterministic() {
            // Deterministic: fields in a fixed order, strings as UTF-8, numbers as their bits.
        }
    };

    CleanRow {
        values = List.copyOf(values);
        if (numbers.length != values.size()) {
            throw new IllegalArgumentException(
                    "A row of " + values.size() + " values with " + numbers.length + " parsed numbers");
        }
    }

    /** Appends the row as a CSV record, without its line break. */
    StringBuilder appendTo(StringBuilder line) {
        if (!plain) {
            return Csv.appendRecord(line, values);
        }
        Csv.appendField(line, values.get(0));
        for (int i = 1; i < values.size(); i++) {
            line.append(',').append(values.get(i));
        }
        return line;
    }
}
