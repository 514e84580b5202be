package dev.fermion.components.parquet;

import dev.fermion.dsl.BadInputException;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet file reached through Beam's file systems instead of Hadoop's, so {@code gs://} or {@code s3://}
 * sources work wherever the matching Beam file system is on the class path, and no Hadoop jars are needed.
 */
public final class BeamInputFile implements InputFile {
    private final String file;
    private final ResourceId resource;
    private final long length;

    private BeamInputFile(String file, ResourceId resource, long length) {
        this.file = file;
        this.resource = resource;
        this.length = length;
    }

    /** Looks the file up once: Parquet asks for the length before every read of the footer. */
    public static BeamInputFile of(String file) {
        try {
            MatchResult.Metadata metadata = FileSystems.matchSingleFileSpec(file);
            return new BeamInputFile(file, metadata.resourceId(), metadata.sizeBytes());
        } catch (FileNotFoundException e) {
            throw new BadInputException("Parquet file " + file + " does not exist: check the path", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot look up Parquet file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long getLength() {
        return length;
    }

    /**
     * Parquet keeps its schema in a footer at the end of the file and then jumps back to each row group, so
     * a channel that can only be read front to back is no use.
     */
    @Override
    public SeekableInputStream newStream() throws IOException {
        ReadableByteChannel channel = FileSystems.open(resource);
        if (channel instanceof SeekableByteChannel seekable) {
            return new ChannelInputStream(seekable);
        }
        channel.close();
        throw new BadInputException("Parquet file " + file + " is on a file system whose reads cannot seek ("
                + channel.getClass().getName() + "): copy it to a local, gs:// or s3:// path first");
    }

    @Override
    public String toString() {
        return file;
    }

    /**
     * Reads straight from the channel without a buffer of its own: Parquet already reads whole column chunks
     * at a time, and a buffer would have to be thrown away on every seek.
     */
    private static final class ChannelInputStream extends SeekableInputStream {
        private final SeekableByteChannel channel;
        private final ByteBuffer single = ByteBuffer.allocate(1);

        ChannelInputStream(SeekableByteChannel channel) {
            this.channel = channel;
        }

        @Override
        public long getPos() throws IOException {
            return channel.position();
        }

        @Override
        public void seek(long position) throws IOException {
            channel.position(position);
        }

        @Override
        public int read() throws IOException {
            single.clear();
            int n;
            do {
                n = channel.read(single);
            } while (n == 0);
            return n < 0 ? -1 : single.get(0) & 0xFF;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            return length == 0 ? 0 : channel.read(ByteBuffer.wrap(bytes, offset, length));
        }

        @Override
        public int read(ByteBuffer buffer) throws IOException {
            return channel.read(buffer);
        }

        @Override
        public void readFully(byte[] bytes) throws IOException {
            readFully(ByteBuffer.wrap(bytes));
        }

        @Override
        public void readFully(byte[] bytes, int offset, int length) throws IOException {
            readFully(ByteBuffer.wrap(bytes, offset, length));
        }

        @Override
        public void readFully(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new EOFException(
                            "Reached the end of the file with " + buffer.remaining() + " bytes still to read");
                }
            }
        }

        @Override
        public long skip(long n) throws IOException {
            long from = channel.position();
            long to = Math.min(channel.size(), from + Math.max(0, n));
            channel.position(to);
            return to - from;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
