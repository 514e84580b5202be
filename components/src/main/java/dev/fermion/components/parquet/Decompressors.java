package dev.fermion.components.parquet;

import dev.fermion.dsl.BadInputException;
import io.airlift.compress.Decompressor;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Page decompression in plain Java. Parquet's own codec factory runs Hadoop's codec classes, which need the
 * whole Hadoop client and, for ZSTD, zstd-jni's native libraries; aircompressor (already a dependency of
 * parquet-hadoop) and the JDK cover the codecs that writers use today.
 */
final class Decompressors implements CompressionCodecFactory {
    /**
     * LZ4 (Hadoop's framing, deprecated by the format), LZO and BROTLI are left out: they need native or
     * Hadoop code, and current writers default to SNAPPY or ZSTD.
     */
    static final Set<CompressionCodecName> SUPPORTED = EnumSet.of(
            CompressionCodecName.UNCOMPRESSED,
            CompressionCodecName.SNAPPY,
            CompressionCodecName.ZSTD,
            CompressionCodecName.GZIP,
            CompressionCodecName.LZ4_RAW);

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED ->
                new Block((in, offset, length, out) -> {
                    System.arraycopy(in, offset, out, 0, Math.min(length, out.length));
                    return length;
                });
            case SNAPPY -> new Block(airlift(new SnappyDecompressor()));
            case ZSTD -> new Block(airlift(new ZstdDecompressor()));
            case LZ4_RAW -> new Block(airlift(new Lz4Decompressor()));
            case GZIP -> new Block(Decompressors::gunzip);
            default ->
                throw new BadInputException("Parquet pages compressed with " + codec
                        + " cannot be read: rewrite the file with one of " + SUPPORTED);
        };
    }

    /** Never called: this factory only serves reads. */
    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        throw new UnsupportedOperationException("Fermion reads Parquet files but does not write them");
    }

    @Override
    public void release() {}

    /** Decompresses a whole page held in an array into an array of the size the page header promises. */
    @FunctionalInterface
    private interface Codec {
        int decompress(byte[] in, int offset, int length, byte[] out) throws IOException;
    }

    private static Codec airlift(Decompressor decompressor) {
        return (in, offset, length, out) -> {
            try {
                return decompressor.decompress(in, offset, length, out, 0, out.length);
            } catch (MalformedInputException e) {
                throw new IOException("Corrupt compressed page at byte " + e.getOffset() + ": " + e.getMessage(), e);
            }
        };
    }

    private static int gunzip(byte[] in, int offset, int length, byte[] out) throws IOException {
        try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(in, offset, length))) {
            return gzip.readNBytes(out, 0, out.length);
        }
    }

    private record Block(Codec codec) implements BytesInputDecompressor {
        /** Heap buffers need no release: the garbage collector frees them. */
        private static final ByteBufferAllocator HEAP = new HeapByteBufferAllocator();

        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            ByteBuffer in = bytes.toByteBuffer(HEAP, buffer -> {});
            return BytesInput.from(
                    decompress(in.array(), in.arrayOffset() + in.position(), in.remaining(), uncompressedSize));
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.get(in);
            output.put(decompress(in, 0, compressedSize, uncompressedSize));
        }

        private byte[] decompress(byte[] in, int offset, int length, int uncompressedSize) throws IOException {
            byte[] out = new byte[uncompressedSize];
            int written = codec.decompress(in, offset, length, out);
            if (written != uncompressedSize) {
                throw new IOException("A page decompressed to " + written + " bytes but its header says "
                        + uncompressedSize + ": the file is corrupt");
            }
            return out;
        }

        @Override
        public void release() {}
    }
}
