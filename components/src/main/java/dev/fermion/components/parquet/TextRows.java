package dev.fermion.components.parquet;

import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.LongFunction;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;

/**
 * Assembles each record straight into an array of texts, one per column, with a null where the value is
 * missing. Dictionary-encoded columns (most string and low-cardinality columns) render each dictionary entry
 * once per row group instead of once per row.
 */
final class TextRows extends RecordMaterializer<String[]> {
    private final GroupConverter root;
    private String[] row;

    TextRows(List<ColumnText> columns) {
        Converter[] cells = new Converter[columns.size()];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = cell(i, columns.get(i).decoder());
        }
        int width = cells.length;
        root = new GroupConverter() {
            @Override
            public Converter getConverter(int field) {
                return cells[field];
            }

            @Override
            public void start() {
                row = new String[width];
            }

            @Override
            public void end() {}
        };
    }

    @Override
    public String[] getCurrentRecord() {
        return row;
    }

    @Override
    public GroupConverter getRootConverter() {
        return root;
    }

    private Cell cell(int index, ColumnText.Decoder decoder) {
        if (decoder instanceof ColumnText.Ints ints) {
            return new IntCell(index, ints.text());
        }
        if (decoder instanceof ColumnText.Longs longs) {
            return new LongCell(index, longs.text());
        }
        if (decoder instanceof ColumnText.Binaries binaries) {
            return new BinaryCell(index, binaries.text());
        }
        if (decoder instanceof ColumnText.Floats) {
            return new FloatCell(index);
        }
        if (decoder instanceof ColumnText.Doubles) {
            return new DoubleCell(index);
        }
        return new BooleanCell(index);
    }

    private abstract class Cell extends PrimitiveConverter {
        final int index;
        private String[] dictionary;

        Cell(int index) {
            this.index = index;
        }

        abstract String text(Dictionary dictionary, int id);

        @Override
        public boolean hasDictionarySupport() {
            return true;
        }

        @Override
        public void setDictionary(Dictionary dictionary) {
            String[] texts = new String[dictionary.getMaxId() + 1];
            for (int id = 0; id < texts.length; id++) {
                texts[id] = text(dictionary, id);
            }
            this.dictionary = texts;
        }

        @Override
        public void addValueFromDictionary(int id) {
            row[index] = dictionary[id];
        }
    }

    private final class IntCell extends Cell {
        private final IntFunction<String> text;

        IntCell(int index, IntFunction<String> text) {
            super(index);
            this.text = text;
        }

        @Override
        String text(Dictionary dictionary, int id) {
            return text.apply(dictionary.decodeToInt(id));
        }

        @Override
        public void addInt(int value) {
            row[index] = text.apply(value);
        }
    }

    private final class LongCell extends Cell {
        private final LongFunction<String> text;

        LongCell(int index, LongFunction<String> text) {
            super(index);
            this.text = text;
        }

        @Override
        String text(Dictionary dictionary, int id) {
            return text.apply(dictionary.decodeToLong(id));
        }

        @Override
        public void addLong(long value) {
            row[index] = text.apply(value);
        }
    }

    private final class BinaryCell extends Cell {
        private final Function<Binary, String> text;

        BinaryCell(int index, Function<Binary, String> text) {
            super(index);
            this.text = text;
        }

        @Override
        String text(Dictionary dictionary, int id) {
            return text.apply(dictionary.decodeToBinary(id));
        }

        @Override
        public void addBinary(Binary value) {
            row[index] = text.apply(value);
        }
    }

    private final class FloatCell extends Cell {
        FloatCell(int index) {
            super(index);
        }

        @Override
        String text(Dictionary dictionary, int id) {
            return Float.toString(dictionary.decodeToFloat(id));
        }

        @Override
        public void addFloat(float value) {
            row[index] = Float.toString(value);
        }
    }

    private final class DoubleCell extends Cell {
        DoubleCell(int index) {
            super(index);
        }

        @Override
        String text(Dictionary dictionary, int id) {
            return Double.toString(dictionary.decodeToDouble(id));
        }

        @Override
        public void addDouble(double value) {
            row[index] = Double.toString(value);
        }
    }

    private final class BooleanCell extends Cell {
        BooleanCell(int index) {
            super(index);
        }

        @Override
        String text(Dictionary dictionary, int id) {
            return Boolean.toString(dictionary.decodeToBoolean(id));
        }

        @Override
        public void addBoolean(boolean value) {
            row[index] = Boolean.toString(value);
        }
    }
}
