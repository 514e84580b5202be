package dev.fermion.components.data;

import dev.fermion.components.table.Csv;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Rejects every row of an id that occurs more than once ({@link ChunkTags#VALID} keeps the rest, the
 * rejected rows are written and counted to {@link ChunkTags#TOTALS}): no copy is more right than another,
 * and a duplicated id would make predictions ambiguous to join back. Only each id's lines travel to find
 * the duplicates, never the rows.
 */
final class DropDuplicateIds extends PTransform<PCollection<List<CleanRow>>, PCollectionTuple> {
    /**
     * Ids are spread over this many keys by hash: few enough that the DirectRunner, which pays for every key
     * group, stays fast, and enough to spread the work over the workers of a distributed runner.
     */
    static final int ID_BUCKETS = 16;
    /**
     * Ids with their lines. A map's encoding follows its iteration order, so it is used only where no
     * runner compares encodings: as the values of keys and of the side input, never as keys.
     */
    private static final Coder<Map<String, List<Long>>> ID_LINES =
            MapCoder.of(StringUtf8Coder.of(), ListCoder.of(VarLongCoder.of()));

    private final String column;
    private final StagingArea staging;
    private final PrepareTotals.Layout totals;

    /** @param column the id column, which rejections name */
    DropDuplicateIds(String column, StagingArea staging, PrepareTotals.Layout totals) {
        this.column = column;
        this.staging = staging;
        this.totals = totals;
    }

    @Override
    public PCollectionTuple expand(PCollection<List<CleanRow>> valid) {
        PCollectionView<Map<String, List<Long>>> duplicates = valid.apply("IdBuckets", ParDo.of(new IdBucketsFn()))
                .setCoder(KvCoder.of(VarIntCoder.of(), ID_LINES))
                .apply("FindDuplicateIds", Combine.perKey(new DuplicateIdsFn()))
                .apply("DuplicateIds", ParDo.of(new EntriesFn()))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(VarLongCoder.of())))
                .apply("DuplicateIdsView", View.asMap());
        PCollectionTuple unique = valid.apply(
                "RejectDuplicateIds",
                ParDo.of(new UniqueIdFn(duplicates, column, staging, totals))
                        .withSideInputs(duplicates)
                        .withOutputTags(ChunkTags.VALID, TupleTagList.of(ChunkTags.TOTALS)));
        unique.get(ChunkTags.VALID).setCoder(valid.getCoder());
        unique.get(ChunkTags.TOTALS).setCoder(totals.coder());
        return unique;
    }

    /** Each chunk's ids with their lines, spread over {@link #ID_BUCKETS} keys by hash. */
    private static final class IdBucketsFn extends DoFn<List<CleanRow>, KV<Integer, Map<String, List<Long>>>> {
        @ProcessElement
        public void process(@Element List<CleanRow> chunk, OutputReceiver<KV<Integer, Map<String, List<Long>>>> out) {
            List<Map<String, List<Long>>> buckets = new ArrayList<>(ID_BUCKETS);
            for (int i = 0; i < ID_BUCKETS; i++) {
                buckets.add(new HashMap<>());
            }
            for (CleanRow row : chunk) {
                buckets.get(Math.floorMod(row.id().hashCode(), ID_BUCKETS))
                        .computeIfAbsent(row.id(), k -> new ArrayList<>())
                        .add(row.line());
            }
            for (int i = 0; i < ID_BUCKETS; i++) {
                if (!buckets.get(i).isEmpty()) {
                    out.output(KV.of(i, buckets.get(i)));
                }
            }
        }
    }

    /** Finds the ids of a bucket that occur more than once, with their lines in order. */
    private static final class DuplicateIdsFn
            extends Combine.CombineFn<Map<String, List<Long>>, Map<String, List<Long>>, Map<String, List<Long>>> {
        @Override
        public Map<String, List<Long>> createAccumulator() {
            return new HashMap<>();
        }

        @Override
        public Map<String, List<Long>> addInput(Map<String, List<Long>> accumulator, Map<String, List<Long>> ids) {
            ids.forEach((id, lines) ->
                    accumulator.computeIfAbsent(id, k -> new ArrayList<>()).addAll(lines));
            return accumulator;
        }

        @Override
        public Map<String, List<Long>> mergeAccumulators(Iterable<Map<String, List<Long>>> accumulators) {
            Map<String, List<Long>> merged = createAccumulator();
            accumulators.forEach(accumulator -> addInput(merged, accumulator));
            return merged;
        }

        @Override
        public Map<String, List<Long>> extractOutput(Map<String, List<Long>> accumulator) {
            Map<String, List<Long>> duplicates = new HashMap<>();
            accumulator.forEach((id, lines) -> {
                if (lines.size() > 1) {
                    duplicates.put(id, lines.stream().sorted().toList());
                }
            });
            return duplicates;
        }

        @Override
        public Coder<Map<String, List<Long>>> getAccumulatorCoder(
                CoderRegistry registry, Coder<Map<String, List<Long>>> input) {
            return ID_LINES;
        }

        @Override
        public Coder<Map<String, List<Long>>> getDefaultOutputCoder(
                CoderRegistry registry, Coder<Map<String, List<Long>>> input) {
            return ID_LINES;
        }
    }

    private static final class EntriesFn extends DoFn<KV<Integer, Map<String, List<Long>>>, KV<String, List<Long>>> {
        @ProcessElement
        public void process(
                @Element KV<Integer, Map<String, List<Long>>> bucket, OutputReceiver<KV<String, List<Long>>> out) {
            bucket.getValue().forEach((id, lines) -> out.output(KV.of(id, lines)));
        }
    }

    private static final class UniqueIdFn extends DoFn<List<CleanRow>, List<CleanRow>> {
        private final PCollectionView<Map<String, List<Long>>> duplicates;
        private final String column;
        private final StagingArea staging;
        private final PrepareTotals.Layout totals;

        UniqueIdFn(
                PCollectionView<Map<String, List<Long>>> duplicates,
                String column,
                StagingArea staging,
                PrepareTotals.Layout totals) {
            this.duplicates = duplicates;
            this.column = column;
            this.staging = staging;
            this.totals = totals;
        }

        @ProcessElement
        public void process(ProcessContext context, MultiOutputReceiver out) throws IOException {
            Map<String, List<Long>> repeated = context.sideInput(duplicates);
            List<CleanRow> unique = new ArrayList<>(context.element().size());
            List<Rejection> rejections = new ArrayList<>();
            for (CleanRow row : context.element()) {
                List<Long> lines = repeated.get(row.id());
                if (lines == null) {
                    unique.add(row);
                    continue;
                }
                rejections.add(new Rejection(
                        row.file(),
                        row.line(),
                        new Rejection.Problem(
                                column,
                                RejectReason.DUPLICATE_ID,
                                "id '" + row.id() + "' occurs " + lines.size() + " times (lines "
                                        + lines.stream().map(String::valueOf).collect(Collectors.joining(", "))
                                        + "); ids must be unique"),
                        Csv.format(row.values())));
            }
            if (!unique.isEmpty()) {
                out.get(ChunkTags.VALID).output(unique);
            }
            staging.reject(rejections, totals, out.get(ChunkTags.TOTALS));
        }
    }
}
