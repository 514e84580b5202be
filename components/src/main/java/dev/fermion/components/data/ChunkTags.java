package dev.fermion.components.data;

import java.util.List;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The outputs that the row transforms ({@link ValidateRows}, {@link DropDuplicateIds}, {@link SplitRows})
 * share, so that the pipeline can take the same output from whichever transform produced it.
 */
final class ChunkTags {
    /** Chunks of valid rows still to be split. */
    static final TupleTag<List<CleanRow>> VALID = new TupleTag<>() {};
    /** Chunks of split rows, waiting for the fit to have their features written. */
    static final TupleTag<SplitChunk> SPLIT = new TupleTag<>() {};
    /** Each chunk's share of the statistics and of the rejected rows. */
    static final TupleTag<PrepareTotals> TOTALS = new TupleTag<>() {};

    private ChunkTags() {}
}
