package dev.fermion.components.preprocess;

import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.dsl.BadInputException;

import java.io.Serializable;
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
        rows++;
        for (int i = 0; i < columns.size(); i++) {
            String value = row.get(i);
            if (value.isEmpty()) {
                missing[i]++;
                continue;
            }
            count[i]++;
            if (columns.get(i).type() == ColumnType.NUMERIC) {
                double x = Double.parseDouble(value);
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

    public DatasetStatistics result() {
        List<ColumnStatistics> result = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            boolean numeric = column.type() == ColumnType.NUMERIC && count[i] > 0;
            result.add(new ColumnStatistics(column.name(), column.type(), count[i], missing[i],
                    numeric ? min[i] : Double.NaN, numeric ? max[i] : Double.NaN,
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
        return other instanceof StatisticsAccumulator that && columns.equals(that.columns) && medians == that.medians
                && rows == that.rows && Arrays.equals(count, that.count) && Arrays.equals(missing, that.missing)
                && Arrays.equals(min, that.min) && Arrays.equals(max, that.max)
                && Arrays.equals(moments, that.moments) && categories.equals(that.categories) && sameValues(that);
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
            values[i] = Arrays.copyOf(values[i], (int) Math.max(size, Math.min(Integer.MAX_VALUE - 8L, 2L * values[i].length + 16)));
        }
    }

    private static double median(double[] sorted) {
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
