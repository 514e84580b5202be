package dev.fermion.components.data;

import dev.fermion.components.parquet.ParquetTable;
import dev.fermion.components.table.Csv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Reads the parts of the source and validates their rows, in chunks of up to {@link PreparePipeline#CHUNK_ROWS}.
 * Rejected rows are written as a part of the rejects and counted ({@link ChunkTags#TOTALS}). Valid rows go
 * on as they are ({@link ChunkTags#VALID}), or, given a {@link Splitter}, are split at once
 * ({@link ChunkTags#SPLIT}, their statistics to {@link ChunkTags#TOTALS}).
 *
 * <p>Splitting here where a row's split needs nothing but its own id matters for memory: a transform's
 * output leaves it only when its bundle ends, and Create deals the parts out in a few bundles, so otherwise
 * every validated row of the source waited in memory, a dozen objects each, to be split.
 */
final class ValidateRows extends PTransform<PCollection<SourcePart>, PCollectionTuple> {
    private final ValidateFn validate;

    /** @param splitter splits the valid rows of each chunk at once, or null to hand them on to be split later */
    ValidateRows(
            SourceFormat format,
            RowValidator validator,
            boolean generatedId,
            boolean multipleFiles,
            StagingArea staging,
            PrepareTotals.Layout totals,
            Splitter splitter) {
        this.validate = new ValidateFn(format, validator, generatedId, multipleFiles, staging, totals, splitter);
    }

    @Override
    public PCollectionTuple expand(PCollection<SourcePart> parts) {
        PCollectionTuple checked = parts.apply(
                "ReadAndValidate",
                ParDo.of(validate)
                        .withOutputTags(
                                ChunkTags.VALID,
                                TupleTagList.of(ChunkTags.TOTALS).and(ChunkTags.SPLIT)));
        checked.get(ChunkTags.VALID).setCoder(ListCoder.of(CleanRow.CODER));
        checked.get(ChunkTags.SPLIT).setCoder(SplitChunk.CODER);
        checked.get(ChunkTags.TOTALS).setCoder(validate.totals.coder());
        return checked;
    }

    /**
     * Rows are numbered by their line in a CSV file (the header is line 1) and their row in a Parquet file;
     * Parquet rows become CSV records here, so validation treats both formats alike.
     */
    private static final class ValidateFn extends DoFn<SourcePart, List<CleanRow>> {
        private final SourceFormat format;
        private final RowValidator validator;
        private final boolean generatedId;
        private final boolean multipleFiles;
        private final StagingArea staging;
        private final PrepareTotals.Layout totals;
        private final Splitter splitter;

        ValidateFn(
                SourceFormat format,
                RowValidator validator,
                boolean generatedId,
                boolean multipleFiles,
                StagingArea staging,
                PrepareTotals.Layout totals,
                Splitter splitter) {
            this.format = format;
            this.validator = validator;
            this.generatedId = generatedId;
            this.multipleFiles = multipleFiles;
            this.staging = staging;
            this.totals = totals;
            this.splitter = splitter;
        }

        @ProcessElement
        public void process(@Element SourcePart part, MultiOutputReceiver out) throws IOException {
            List<String> lines = new ArrayList<>((int) Math.min(part.rows(), PreparePipeline.CHUNK_ROWS));
            long[] first = {part.first()};
            if (format == SourceFormat.PARQUET) {
                List<String> fields = new ArrayList<>();
                ParquetTable.forEachRow(part.file(), (int) part.position(), part.first(), (row, values) -> {
                    fields.clear();
                    values.forEach(value -> fields.add(value == null ? "" : value));
                    lines.add(Csv.format(fields));
                    if (lines.size() == PreparePipeline.CHUNK_ROWS) {
                        try {
                            validate(part.file(), first[0], lines, out);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        first[0] += lines.size();
                        lines.clear();
                    }
                });
            } else {
                SourceFiles.readLines(part, lines);
            }
            validate(part.file(), first[0], lines, out);
        }

        private void validate(String file, long first, List<String> lines, MultiOutputReceiver out) throws IOException {
            if (lines.isEmpty()) {
                return;
            }
            List<CleanRow> rows = new ArrayList<>(lines.size());
            List<Rejection> rejections = new ArrayList<>();
            String prefix = multipleFiles ? fileName(file) + ":" : "";
            for (int i = 0; i < lines.size(); i++) {
                SourceLine line = new SourceLine(file, first + i, lines.get(i));
                RowValidator.Outcome outcome = validator.validate(line, generatedId ? prefix + line.line() : null);
                if (outcome.row() != null) {
                    rows.add(outcome.row());
                } else {
                    rejections.add(outcome.rejection());
                }
            }
            if (!rows.isEmpty() && splitter == null) {
                out.get(ChunkTags.VALID).output(rows);
            } else if (!rows.isEmpty()) {
                PrepareTotals sums = totals.empty();
                out.get(ChunkTags.SPLIT).output(splitter.split(rows, null, sums));
                out.get(ChunkTags.TOTALS).output(sums);
            }
            staging.reject(rejections, totals, out.get(ChunkTags.TOTALS));
        }

        private static String fileName(String file) {
            return file.substring(file.lastIndexOf('/') + 1);
        }
    }
}
