package dev.fermion.components.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.ListCoder;

/** The valid rows of a chunk by split: train, validation and test, each in source order. */
record SplitChunk(List<FeatureRows> splits) {
    /** The three splits' {@link FeatureRows#CODER} encodings, in split order. */
    static final Coder<SplitChunk> CODER = new CustomCoder<>() {
        private final Coder<List<FeatureRows>> splitsCoder = ListCoder.of(FeatureRows.CODER);

        @Override
        public void encode(SplitChunk chunk, OutputStream out) throws IOException {
            splitsCoder.encode(chunk.splits(), out);
        }

        @Override
        public SplitChunk decode(InputStream in) throws IOException {
            return new SplitChunk(splitsCoder.decode(in));
        }

        @Override
        public void verifyDeterministic() throws NonDeterministicException {
            splitsCoder.verifyDeterministic();
        }
    };

    SplitChunk {
        splits = List.copyOf(splits);
    }
}
