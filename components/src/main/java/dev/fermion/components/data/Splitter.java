package dev.fermion.components.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sends each row of a chunk to its split (with stratum bounds, by its place within its label), writes
 * the chunk's part of each split's {@code data.csv}, and adds the rows to their split's statistics with
 * the numbers validation parsed. {@link ValidateRows} calls it where a row's split needs nothing but its
 * own id, {@link SplitRows} otherwise.
 */
final class Splitter implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Split split;
    private final StagingArea staging;
    private final boolean[] numeric;

    /** @param numeric which columns of the output, in order, are numeric */
    Splitter(Split split, StagingArea staging, boolean[] numeric) {
        this.split = split;
        this.staging = staging;
        this.numeric = numeric.clone();
    }

    SplitChunk split(List<CleanRow> chunk, Map<String, Split.StratumBounds> strata, PrepareTotals sums)
            throws IOException {
        List<List<CleanRow>> splits = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (CleanRow row : chunk) {
            int part = strata == null ? split.assign(row.id()) : split.assign(row.id(), strata.get(row.label()));
            splits.get(part).add(row);
            sums.split(part).add(row.values(), row.numbers(), 1);
        }
        for (int i = 0; i < 3; i++) {
            List<CleanRow> rows = splits.get(i);
            if (rows.isEmpty()) {
                continue;
            }
            staging.writePart(Split.NAMES.get(i) + "/" + PreparePipeline.DATA, rows.get(0), part -> {
                for (CleanRow row : rows) {
                    row.appendTo(part.line());
                    part.endLine();
                }
            });
        }
        return new SplitChunk(
                splits.stream().map(rows -> FeatureRows.of(rows, numeric)).toList());
    }
}
