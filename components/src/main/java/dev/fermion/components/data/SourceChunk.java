package dev.fermion.components.data;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** Consecutive lines of a source file: the file, the number of the first line, and the lines' text. */
record SourceChunk(String file, long firstLine, List<String> lines) {
    /** Encodes the text as UTF-8 strings rather than through Java serialization, which is many times slower. */
    static final Coder<SourceChunk> CODER = new CustomCoder<>() {
        private final Coder<List<String>> linesCoder = ListCoder.of(StringUtf8Coder.of());

        @Override
        public void encode(SourceChunk chunk, OutputStream out) throws IOException {
            StringUtf8Coder.of().encode(chunk.file(), out);
            VarLongCoder.of().encode(chunk.firstLine(), out);
            linesCoder.encode(chunk.lines(), out);
        }

        @Override
        public SourceChunk decode(InputStream in) throws IOException {
            return new SourceChunk(StringUtf8Coder.of().decode(in), VarLongCoder.of().decode(in), linesCoder.decode(in));
        }
    };

    SourceChunk {
        lines = List.copyOf(lines);
    }

    SourceLine line(int index) {
        return new SourceLine(file, firstLine + index, lines.get(index));
    }
}
