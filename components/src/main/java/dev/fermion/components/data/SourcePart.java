package dev.fermion.components.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * A piece of a source file that one worker reads on its own: in a CSV file, {@code rows} lines from the
 * line numbered {@code first}, which take the {@code length} bytes from {@code position} on; in a Parquet
 * file, the row group numbered {@code position} (from 0), whose first row is row {@code first} of the file
 * ({@code length} is 0).
 */
record SourcePart(String file, long position, long length, long first, long rows) {
    static final Coder<SourcePart> CODER = new CustomCoder<>() {
        @Override
        public void encode(SourcePart part, OutputStream out) throws IOException {
            StringUtf8Coder.of().encode(part.file(), out);
            VarLongCoder.of().encode(part.position(), out);
            VarLongCoder.of().encode(part.length(), out);
            VarLongCoder.of().encode(part.first(), out);
            VarLongCoder.of().encode(part.rows(), out);
        }

        @Override
        public SourcePart decode(InputStream in) throws IOException {
            return new SourcePart(
                    StringUtf8Coder.of().decode(in),
                    VarLongCoder.of().decode(in),
                    VarLongCoder.of().decode(in),
                    VarLongCoder.of().decode(in),
                    VarLongCoder.of().decode(in));
        }
    };
}
