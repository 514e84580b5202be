package dev.fermion.components.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Places every row of the valid chunks in train, validation or test with a {@link Splitter}
 * ({@link ChunkTags#SPLIT}, the statistics to {@link ChunkTags#TOTALS}), for rows whose split needs the ids
 * or labels of all rows. A stratified split needs each label's size and the seeded order of its ids; only
 * the two bounds per label derived from them travel to the rows, so rows are never grouped by label.
 */
final class SplitRows extends PTransform<PCollection<List<CleanRow>>, PCollectionTuple> {
    private final Split split;
    private final boolean stratify;
    private final Splitter splitter;
    private final PrepareTotals.Layout totals;

    SplitRows(Split split, boolean stratify, Splitter splitter, PrepareTotals.Layout totals) {
        this.split = split;
        this.stratify = stratify;
        this.splitter = splitter;
        this.totals = totals;
    }

    @Override
    public PCollectionTuple expand(PCollection<List<CleanRow>> valid) {
        TupleTagList others = TupleTagList.of(ChunkTags.TOTALS);
        PCollectionTuple placed;
        if (!stratify) {
            placed = valid.apply(
                    "Split", ParDo.of(new SplitFn(null, splitter, totals)).withOutputTags(ChunkTags.SPLIT, others));
        } else {
            PCollectionView<Map<String, Split.StratumBounds>> bounds = valid.apply(
                            "IdsByLabel", ParDo.of(new IdsByLabelFn()))
                    .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(StringUtf8Coder.of())))
                    .apply("GroupStrata", GroupByKey.create())
                    .apply("StratumBounds", ParDo.of(new StratumBoundsFn(split)))
                    .setCoder(KvCoder.of(StringUtf8Coder.of(), Split.StratumBounds.CODER))
                    .apply("StratumBoundsView", View.asMap());
            placed = valid.apply(
                    "SplitStrata",
                    ParDo.of(new SplitFn(bounds, splitter, totals))
                            .withSideInputs(bounds)
                            .withOutputTags(ChunkTags.SPLIT, others));
        }
        placed.get(ChunkTags.SPLIT).setCoder(SplitChunk.CODER);
        placed.get(ChunkTags.TOTALS).setCoder(totals.coder());
        return placed;
    }

    /** The {@link Splitter} over each chunk, with the stratum bounds where the split is stratified. */
    private static final class SplitFn extends DoFn<List<CleanRow>, SplitChunk> {
        private final PCollectionView<Map<String, Split.StratumBounds>> bounds;
        private final Splitter splitter;
        private final PrepareTotals.Layout totals;

        /** @param bounds the stratum bounds, or null where the split is not stratified */
        SplitFn(
                PCollectionView<Map<String, Split.StratumBounds>> bounds,
                Splitter splitter,
                PrepareTotals.Layout totals) {
            this.bounds = bounds;
            this.splitter = splitter;
            this.totals = totals;
        }

        @ProcessElement
        public void process(ProcessContext context, MultiOutputReceiver out) throws IOException {
            PrepareTotals sums = totals.empty();
            out.get(ChunkTags.SPLIT)
                    .output(splitter.split(context.element(), bounds == null ? null : context.sideInput(bounds), sums));
            out.get(ChunkTags.TOTALS).output(sums);
        }
    }

    private static final class IdsByLabelFn extends DoFn<List<CleanRow>, KV<String, List<String>>> {
        @ProcessElement
        public void process(@Element List<CleanRow> chunk, OutputReceiver<KV<String, List<String>>> out) {
            Map<String, List<String>> byLabel = new HashMap<>();
            for (CleanRow row : chunk) {
                byLabel.computeIfAbsent(row.label(), k -> new ArrayList<>()).add(row.id());
            }
            byLabel.forEach((label, ids) -> out.output(KV.of(label, ids)));
        }
    }

    /** Holds one label's ids at a time, which bounds stratified splits by the size of the largest class. */
    private static final class StratumBoundsFn
            extends DoFn<KV<String, Iterable<List<String>>>, KV<String, Split.StratumBounds>> {
        private final Split split;

        StratumBoundsFn(Split split) {
            this.split = split;
        }

        @ProcessElement
        public void process(
                @Element KV<String, Iterable<List<String>>> stratum,
                OutputReceiver<KV<String, Split.StratumBounds>> out) {
            List<String> ids = new ArrayList<>();
            stratum.getValue().forEach(ids::addAll);
            out.output(KV.of(stratum.getKey(), split.stratumBounds(ids)));
        }
    }
}
