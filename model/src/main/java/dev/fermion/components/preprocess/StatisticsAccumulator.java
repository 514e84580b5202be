package dev.fermion.components.preprocess;

import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.dsl.BadInputException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * Mergeable running statistics of rows whose values follow a list of columns, so they can be computed in
 * parallel (a Beam combiner) or in one pass. Every statistic is exact until it is read ({@link Moments}
 * for means and deviations, counts for categories), so partial results merged in any order, however a
 * runner cut and scheduled them, give the same statistics to the last digit. Exact medians keep every
 * numeric value, so they are only collected when asked for.
 */
public final class StatisticsAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<Column> columns;
    private final boolean medians;
    private long rows;
    private final long[] count;
    private final long[] missing;
    private final double[] min;
    private final double[] max;
    private final Moments[] moments;
    private final List<TreeMap<String, Long>> categories = new ArrayList<>();
    /** With medians, the first {@code count[i]} entries of {@code values[i]} are column i's values. */
    private final double[][] values;

    public StatisticsAccumulator(List<Column> columns, boolean medians) {
        this.columns = List.copyOf(columns);
        this.medians = medians;
        int n = columns.size();
        count = new long[n];
        missing = new long[n];
        min = new double[n];
        max = new double[n];
        moments = new Moments[n];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        values = new double[n][];
        for (int i = 0; i < n; i++) {
            moments[i] = new Moments();
            categories.add(new TreeMap<>());
            values[i] = new double[0];
        }
    }

    /** Adds a row of values in column order; an empty string is a missing value. */
    public void add(List<String> row) {
        add(row, null, 0);
    }

    /**
     * Adds the values of {@code row} from index {@code from} on, the first of them in the first column, with
     * the numeric ones already parsed: {@code numbers[j]} is the number {@code row.get(j)} spells. Parsing is
     * most of the cost of statistics, and a step that has validated its rows has parsed them already.
     */
    public void add(List<String> row, double[] numbers, int from) {
        rows++;
        for (int i = 0; i < columns.size(); i++) {
            String value = row.get(from + i);
            if (value.isEmpty()) {
                missing[i]++;
                continue;
            }
            count[i]++;
            if (columns.get(i).type() == ColumnType.NUMERIC) {
                double x = numbers == null ? Double.parseDouble(value) : numbers[from + i];
                min[i] = Math.min(min[i], x);
                max[i] = Math.max(max[i], x);
                moments[i].add(x);
                if (medians) {
                    reserve(i, count[i]);
                    values[i][(int) count[i] - 1] = x;
                }
            } else {
                categories.get(i).merge(value, 1L, Long::sum);
            }
        }
    }

    /** The rows added so far. */
    public long rows() {
        return rows;
    }

    public void merge(StatisticsAccumulator other) {
        rows += other.rows;
        for (int i = 0; i < columns.size(); i++) {
            long n = count[i] + other.count[i];
            if (medians && columns.get(i).type() == ColumnType.NUMERIC) {
                reserve(i, n);
                System.arraycopy(other.values[i], 0, values[i], (int) count[i], (int) other.count[i]);
            }
            if (n > 0 && columns.get(i).type() == ColumnType.NUMERIC) {
                moments[i].merge(other.moments[i]);
                min[i] = Math.min(min[i], other.min[i]);
                max[i] = Math.max(max[i], other.max[i]);
            }
            count[i] = n;
            missing[i] += other.missing[i];
            TreeMap<String, Long> mine = categories.get(i);
            other.categories.get(i).forEach((k, v) -> mine.merge(k, v, Long::sum));
        }
    }

    /**
     * Writes the exact state compactly, for a runner that copies accumulators: Java serialization of the
     * columns and of every sum's limbs costs many times more. {@link #readFrom} restores it given the same
     * columns.
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(rows);
        for (int i = 0; i < columns.size(); i++) {
            out.writeLong(count[i]);
            out.writeLong(missing[i]);
            if (columns.get(i).type() == ColumnType.NUMERIC) {
                out.writeDouble(min[i]);
                out.writeDouble(max[i]);
                moments[i].writeTo(out);
                if (medians) {
                    for (int j = 0; j < count[i]; j++) {
                        out.writeDouble(values[i][j]);
                    }
                }
            } else {
                out.writeInt(categories.get(i).size());
                for (var entry : categories.get(i).entrySet()) {
                    writeText(out, entry.getKey());
                    out.writeLong(entry.getValue());
                }
            }
        }
    }

    public static StatisticsAccumulator readFrom(DataInput in, List<Column> columns, boolean medians)
            throws IOException {
        StatisticsAccumulator accumulator = new StatisticsAccumulator(columns, medians);
        accumulator.rows = in.readLong();
        for (int i = 0; i < columns.size(); i++) {
            accumulator.count[i] = in.readLong();
            accumulator.missing[i] = in.readLong();
            if (columns.get(i).type() == ColumnType.NUMERIC) {
                accumulator.min[i] = in.readDouble();
                accumulator.max[i] = in.readDouble();
                accumulator.moments[i] = Moments.readFrom(in);
                if (medians) {
                    accumulator.reserve(i, accumulator.count[i]);
                    for (int j = 0; j < accumulator.count[i]; j++) {
                        accumulator.values[i][j] = in.readDouble();
                    }
                }
            } else {
                int distinct = in.readInt();
                for (int j = 0; j < distinct; j++) {
                    accumulator.categories.get(i).put(readText(in), in.readLong());
                }
            }
        }
        return accumulator;
    }

    /** UTF-8 with its length, for values of any length ({@link DataOutput#writeUTF} stops at 64 KiB). */
    private static void writeText(DataOutput out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readText(DataInput in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public DatasetStatistics result() {
        List<ColumnStatistics> result = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            boolean numeric = column.type() == ColumnType.NUMERIC && count[i] > 0;
            result.add(new ColumnStatistics(
                    column.name(),
                    column.type(),
                    count[i],
                    missing[i],
                    numeric ? min[i] : Double.NaN,
                    numeric ? max[i] : Double.NaN,
                    numeric ? moments[i].mean() : Double.NaN,
                    numeric ? moments[i].std() : Double.NaN,
                    numeric && medians ? median(Arrays.copyOf(values[i], (int) count[i])) : Double.NaN,
                    categories.get(i)));
        }
        return new DatasetStatistics(rows, result);
    }

    /** Value equality, which Beam needs to detect mutation of accumulators it holds. */
    @Override
    public boolean equals(Object other) {
        return other instanceof StatisticsAccumulator that
                && columns.equals(that.columns)
                && medians == that.medians
                && rows == that.rows
                && Arrays.equals(count, that.count)
                && Arrays.equals(missing, that.missing)
                && Arrays.equals(min, that.min)
                && Arrays.equals(max, that.max)
                && Arrays.equals(moments, that.moments)
                && categories.equals(that.categories)
                && sameValues(that);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(columns, rows, Arrays.hashCode(count), Arrays.hashCode(moments), categories);
    }

    /** Compares the kept values; only called once the counts are known to be equal. */
    private boolean sameValues(StatisticsAccumulator that) {
        for (int i = 0; i < values.length; i++) {
            int n = medians && columns.get(i).type() == ColumnType.NUMERIC ? (int) count[i] : 0;
            if (!Arrays.equals(values[i], 0, n, that.values[i], 0, n)) {
                return false;
            }
        }
        return true;
    }

    /** Grows column i's value array to hold {@code size} values, doubling so that adding stays linear. */
    private void reserve(int i, long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new BadInputException("Column '" + columns.get(i).name() + "' has more values than an exact "
                    + "median can hold in memory; set 'impute' to MEAN or CONSTANT");
        }
        if (values[i].length < size) {
            values[i] = Arrays.copyOf(values[i], (int) Math.max(
                    size, Math.min(Integer.MAX_VALUE - 8L, 2L * values[i].length + 16)));
        }
    }

    private static double median(double[] sorted) {
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
