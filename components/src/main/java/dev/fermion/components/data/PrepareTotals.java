package dev.fermion.components.data;

import dev.fermion.components.preprocess.StatisticsAccumulator;
import dev.fermion.components.table.Column;
import dev.fermion.components.table.TableSchema;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * What the preparation pipeline adds up over all chunks, in one mergeable value: the statistics of each
 * split and the rejected rows by column and reason. Chunks contribute their share as they are validated
 * and split, so the rows are never read again to count them, and one combine gives every total. Serializable
 * because the combine keeps its result for an empty input (empty totals) in its function.
 */
final class PrepareTotals implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The columns of the statistics, and whether the training split keeps its values for exact medians. */
    record Layout(List<Column> columns, boolean medians) implements Serializable {
        Layout {
            columns = List.copyOf(columns);
        }

        /**
         * Statistics of every column of the output but the id, whose values are all distinct: tallying them
         * as categories would make the statistics as large as the data and say nothing.
         */
        static Layout of(TableSchema output, boolean medians) {
            if (!output.columns().get(0).name().equals(output.id())) {
                throw new IllegalArgumentException("The id column must come first in " + output.names());
            }
            return new Layout(output.columns().subList(1, output.columns().size()), medians);
        }

        PrepareTotals empty() {
            return new PrepareTotals(this);
        }

        /**
         * Encodes totals of this layout. The DirectRunner copies the values a combine has gathered each time
         * another bundle adds to them; Java serialization of the columns and of every exact sum made those
         * copies, and compiling the serialization code, cost seconds.
         */
        Coder<PrepareTotals> coder() {
            return new TotalsCoder(this);
        }
    }

    private static final class TotalsCoder extends CustomCoder<PrepareTotals> {
        private static final long serialVersionUID = 1L;
        private final Layout layout;

        TotalsCoder(Layout layout) {
            this.layout = layout;
        }

        @Override
        public void encode(PrepareTotals totals, OutputStream stream) throws IOException {
            DataOutputStream out = new DataOutputStream(stream);
            for (StatisticsAccumulator split : totals.splits) {
                split.writeTo(out);
            }
            totals.rejects.writeTo(out);
            out.writeLong(totals.rejectedRows);
            out.flush();
        }

        @Override
        public PrepareTotals decode(InputStream stream) throws IOException {
            DataInputStream in = new DataInputStream(stream);
            PrepareTotals totals = new PrepareTotals(layout);
            for (int i = 0; i < 3; i++) {
                totals.splits.set(
                        i, StatisticsAccumulator.readFrom(in, layout.columns(), layout.medians() && i == Split.TRAIN));
            }
            totals.rejects.merge(RejectionSummary.readFrom(in));
            totals.rejectedRows = in.readLong();
            return totals;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof TotalsCoder that && layout.equals(that.layout);
        }

        @Override
        public int hashCode() {
            return layout.hashCode();
        }
    }

    private final List<StatisticsAccumulator> splits = new ArrayList<>(3);
    private final RejectionSummary rejects = new RejectionSummary();
    private long rejectedRows;

    private PrepareTotals(Layout layout) {
        for (int i = 0; i < 3; i++) {
            splits.add(new StatisticsAccumulator(layout.columns(), layout.medians() && i == Split.TRAIN));
        }
    }

    /** The statistics of one split ({@link Split#TRAIN}, {@link Split#VALIDATION} or {@link Split#TEST}). */
    StatisticsAccumulator split(int split) {
        return splits.get(split);
    }

    void reject(Rejection rejection) {
        rejects.add(rejection);
        rejectedRows++;
    }

    RejectionSummary rejects() {
        return rejects;
    }

    long rejectedRows() {
        return rejectedRows;
    }

    void merge(PrepareTotals other) {
        for (int i = 0; i < 3; i++) {
            splits.get(i).merge(other.splits.get(i));
        }
        rejects.merge(other.rejects);
        rejectedRows += other.rejectedRows;
    }

    /** Value equality, which Beam needs to detect mutation of accumulators it holds. */
    @Override
    public boolean equals(Object other) {
        return other instanceof PrepareTotals that
                && splits.equals(that.splits)
                && rejects.equals(that.rejects)
                && rejectedRows == that.rejectedRows;
    }

    @Override
    public int hashCode() {
        return Objects.hash(splits, rejects, rejectedRows);
    }
}
