package dev.fermion.components.data;

import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.table.Csv;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes the rows of each split chunk as {@code id, features..., label} lines, transformed with the
 * preprocessing fitted on the training split from the numbers validation parsed, as one part file per split.
 * Every chunk waits for the fit, which reaches it as a side input.
 */
final class WriteFeatures extends PTransform<PCollection<SplitChunk>, PDone> {
    private final PCollectionView<Preprocessing> fitted;
    private final List<String> columns;
    private final StagingArea staging;

    /** @param columns the output's columns, in the order of a chunk's rows */
    WriteFeatures(PCollectionView<Preprocessing> fitted, List<String> columns, StagingArea staging) {
        this.fitted = fitted;
        this.columns = List.copyOf(columns);
        this.staging = staging;
    }

    @Override
    public PDone expand(PCollection<SplitChunk> chunks) {
        chunks.apply(
                "Write", ParDo.of(new WriteFeaturesFn(columns, staging)).withSideInput(WriteFeaturesFn.FITTED, fitted));
        return PDone.in(chunks.getPipeline());
    }

    /**
     * Takes the fit as a named side input rather than holding its view: the DirectRunner serialises the
     * function again for every bundle it tries, and a chunk's bundle is tried again each time it finds the fit
     * not ready yet, so the function holds nothing but the columns and where to write.
     */
    private static final class WriteFeaturesFn extends DoFn<SplitChunk, Void> {
        static final String FITTED = "fitted";
        private final List<String> columns;
        private final StagingArea staging;

        WriteFeaturesFn(List<String> columns, StagingArea staging) {
            this.columns = columns;
            this.staging = staging;
        }

        @ProcessElement
        public void process(@Element SplitChunk chunk, @SideInput(FITTED) Preprocessing preprocessing)
                throws IOException {
            Preprocessing.Transformer transformer = preprocessing.bind(columns);
            boolean labelled = preprocessing.label() != null;
            String[] values = new String[columns.size()];
            List<String> row = Arrays.asList(values);
            double[] numbers = new double[columns.size()];
            for (int i = 0; i < 3; i++) {
                FeatureRows rows = chunk.splits().get(i);
                if (rows.size() == 0) {
                    continue;
                }
                staging.writePart(Split.NAMES.get(i) + "/" + PreparePipeline.FEATURES, rows, part -> {
                    for (int r = 0; r < rows.size(); r++) {
                        rows.load(r, values, numbers);
                        StringBuilder text = Csv.appendField(part.line(), rows.id(r));
                        for (float x : transformer.apply(row, numbers)) {
                            text.append(',');
                            appendFeature(text, x);
                        }
                        if (labelled) {
                            Csv.appendField(text.append(','), rows.label(r));
                        }
                        part.endLine();
                    }
                });
            }
        }

        /** {@link Float#toString}, with the one-hot columns' 0 and 1 spelled without formatting them each time. */
        private static void appendFeature(StringBuilder text, float x) {
            if (x == 1f) {
                text.append("1.0");
            } else if (Float.floatToRawIntBits(x) == 0) {
                text.append("0.0");
            } else {
                text.append(x);
            }
        }
    }
}
