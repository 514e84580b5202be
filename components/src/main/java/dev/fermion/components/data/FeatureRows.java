package dev.fermion.components.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The rows of one split of a chunk, kept only as the feature transform needs them: each row's id, its
 * parsed numbers and its other values, in a few arrays rather than a dozen objects per row.
 *
 * <p>The feature transform needs statistics of the whole training split, so every chunk waits for the fit
 * before its features are written, and on the DirectRunner all of them wait in memory. Held as
 * {@link CleanRow}s, a million rows were some 25 million objects that each young collection copied again; on a
 * busy machine those pauses cost Beam several seconds against the plain loop. Here the numbers of all rows
 * share one array, values that are not numbers are shared within the chunk (a categorical column repeats a
 * few values), and only the ids remain one object per row.
 */
final class FeatureRows implements Located {
    /**
     * Writes the arrays as they are, with the labels and texts as indices into a table of the chunk's
     * distinct strings in order of first use: the encoding is deterministic, as small as the chunk's few
     * categories allow, and a decoded chunk shares its strings as the original does. Java serialization
     * also kept the sharing, but wrote class descriptors with every chunk; a schema's {@code RowCoder}
     * would have turned the flat arrays back into a value per row.
     */
    static final Coder<FeatureRows> CODER = new CustomCoder<>() {
        @Override
        public void encode(FeatureRows rows, OutputStream out) throws IOException {
            StringUtf8Coder.of().encode(rows.file, out);
            VarLongCoder.of().encode(rows.firstLine, out);
            VarIntCoder.of().encode(rows.width, out);
            VarIntCoder.of().encode(rows.ids.length, out);
            for (String id : rows.ids) {
                StringUtf8Coder.of().encode(id, out);
            }
            Map<String, Integer> table = new LinkedHashMap<>();
            int[] labels = new int[rows.labels.length];
            for (int r = 0; r < labels.length; r++) {
                labels[r] = table.computeIfAbsent(rows.labels[r], text -> table.size());
            }
            // 0 stands for no text (a numeric value, or the id), so the table's indices are shifted by one.
            int[] texts = new int[rows.texts.length];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = rows.texts[i] == null ? 0 : 1 + table.computeIfAbsent(rows.texts[i], text -> table.size());
            }
            VarIntCoder.of().encode(table.size(), out);
            for (String text : table.keySet()) {
                StringUtf8Coder.of().encode(text, out);
            }
            for (int label : labels) {
                VarIntCoder.of().encode(label, out);
            }
            for (int text : texts) {
                VarIntCoder.of().encode(text, out);
            }
            DataOutputStream data = new DataOutputStream(out);
            for (double number : rows.numbers) {
                data.writeDouble(number);
            }
            data.flush();
        }

        @Override
        public FeatureRows decode(InputStream in) throws IOException {
            String file = StringUtf8Coder.of().decode(in);
            long firstLine = VarLongCoder.of().decode(in);
            int width = VarIntCoder.of().decode(in);
            int size = VarIntCoder.of().decode(in);
            String[] ids = new String[size];
            for (int r = 0; r < size; r++) {
                ids[r] = StringUtf8Coder.of().decode(in);
            }
            int distinct = VarIntCoder.of().decode(in);
            List<String> table = new ArrayList<>(distinct);
            for (int i = 0; i < distinct; i++) {
                table.add(StringUtf8Coder.of().decode(in));
            }
            String[] labels = new String[size];
            for (int r = 0; r < size; r++) {
                labels[r] = table.get(VarIntCoder.of().decode(in));
            }
            String[] texts = new String[size * width];
            for (int i = 0; i < texts.length; i++) {
                int text = VarIntCoder.of().decode(in);
                texts[i] = text == 0 ? null : table.get(text - 1);
            }
            DataInputStream data = new DataInputStream(in);
            double[] numbers = new double[size * width];
            for (int i = 0; i < numbers.length; i++) {
                numbers[i] = data.readDouble();
            }
            return new FeatureRows(file, firstLine, width, ids, labels, numbers, texts);
        }

        @Override
        public void verifyDeterministic() {
            // Deterministic: fields in a fixed order, the string table in order of first use.
        }
    };

    private final String file;
    private final long firstLine;
    private final int width;
    private final String[] ids;
    private final String[] labels;
    /** Row r's value j at r * width + j: the number validation parsed (NaN where none)... */
    private final double[] numbers;
    /** ...and the text of a value that is not numeric (null for numeric values and the id). */
    private final String[] texts;

    private FeatureRows(
            String file, long firstLine, int width, String[] ids, String[] labels, double[] numbers, String[] texts) {
        this.file = file;
        this.firstLine = firstLine;
        this.width = width;
        this.ids = ids;
        this.labels = labels;
        this.numbers = numbers;
        this.texts = texts;
    }

    /**
     * @param numeric which values of a row (in output-schema order, the id first) are numeric: their texts
     *                are dropped, the transform reads their parsed numbers
     */
    static FeatureRows of(List<CleanRow> rows, boolean[] numeric) {
        int width = numeric.length;
        int size = rows.size();
        String[] ids = new String[size];
        String[] labels = new String[size];
        double[] numbers = new double[size * width];
        String[] texts = new String[size * width];
        Map<String, String> shared = new HashMap<>();
        for (int r = 0; r < size; r++) {
            CleanRow row = rows.get(r);
            ids[r] = row.id();
            labels[r] = shared.computeIfAbsent(row.label(), value -> value);
            System.arraycopy(row.numbers(), 0, numbers, r * width, width);
            List<String> values = row.values();
            for (int j = 1; j < width; j++) {
                if (!numeric[j]) {
                    texts[r * width + j] = shared.computeIfAbsent(values.get(j), value -> value);
                }
            }
        }
        return size == 0
                ? new FeatureRows("", 0, width, ids, labels, numbers, texts)
                : new FeatureRows(rows.get(0).file(), rows.get(0).line(), width, ids, labels, numbers, texts);
    }

    int size() {
        return ids.length;
    }

    String id(int row) {
        return ids[row];
    }

    String label(int row) {
        return labels[row];
    }

    /** Puts row {@code row}'s texts into {@code values} and its numbers into {@code parsed}, both of the row's width. */
    void load(int row, String[] values, double[] parsed) {
        System.arraycopy(texts, row * width, values, 0, width);
        System.arraycopy(numbers, row * width, parsed, 0, width);
    }

    int width() {
        return width;
    }

    /** The file of the first row. */
    @Override
    public String file() {
        return file;
    }

    /** The line of the first row, which names the chunk's part files. */
    @Override
    public long line() {
        return firstLine;
    }
}
