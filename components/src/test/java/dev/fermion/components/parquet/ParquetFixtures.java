package dev.fermion.components.parquet;

import io.airlift.compress.Compressor;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Writes small Parquet files for tests with Parquet's own writer, without Hadoop: the compressors below
 * stand in for Hadoop's codecs the way {@link Decompressors} does on the reading side.
 */
public final class ParquetFixtures {
    private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),\\s*(\\d+)\\)");

    private ParquetFixtures() {}

    /**
     * How a file is laid out: rows per row group (small values give several row groups), the page codec,
     * whether values are dictionary encoded, and the format version of the data pages.
     */
    public record Layout(int rowsPerGroup, CompressionCodecName codec, boolean dictionary, WriterVersion version) {
        public static final Layout DEFAULT =
                new Layout(100_000, CompressionCodecName.SNAPPY, true, WriterVersion.PARQUET_1_0);
    }

    /**
     * Writes a flat file whose columns are all optional. Types: {@code int}, {@code long}, {@code float},
     * {@code double}, {@code boolean}, {@code string}, {@code date} (ISO text), {@code timestamp} (ISO instant,
     * stored in microseconds) and {@code decimal(P,S)} with P up to 18. A null value is written as missing.
     */
    public static Path write(Path file, List<String> header, List<String> types, List<List<String>> rows) {
        return write(file, header, types, rows, Layout.DEFAULT);
    }

    public static Path write(
            Path file, List<String> header, List<String> types, List<List<String>> rows, Layout layout) {
        if (header.size() != types.size()) {
            throw new IllegalArgumentException(header.size() + " columns but " + types.size() + " types");
        }
        Types.MessageTypeBuilder schema = Types.buildMessage();
        for (int i = 0; i < header.size(); i++) {
            schema.addField(column(header.get(i), types.get(i)));
        }
        MessageType message = schema.named("row");
        List<Group> groups = rows.stream()
                .map(values -> {
                    Group group = new SimpleGroup(message);
                    for (int i = 0; i < values.size(); i++) {
                        if (values.get(i) != null) {
                            add(group, header.get(i), types.get(i).toLowerCase(Locale.ROOT), values.get(i));
                        }
                    }
                    return group;
                })
                .toList();
        return write(file, message, groups, layout);
    }

    /** Writes records of any schema, for tests that need nested or unusual columns. */
    public static Path write(Path file, MessageType schema, List<Group> rows, Layout layout) {
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration())
                .withType(schema)
                .withCodecFactory(new Compressors())
                .withCompressionCodec(layout.codec())
                .withRowGroupRowCountLimit(layout.rowsPerGroup())
                .withDictionaryEncoding(layout.dictionary())
                .withWriterVersion(layout.version())
                .build()) {
            for (Group row : rows) {
                writer.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        return file;
    }

    private static Type column(String name, String type) {
        String t = type.toLowerCase(Locale.ROOT);
        Matcher decimal = DECIMAL.matcher(t);
        if (decimal.matches()) {
            return Types.optional(PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.decimalType(
                            Integer.parseInt(decimal.group(2)), Integer.parseInt(decimal.group(1))))
                    .named(name);
        }
        return switch (t) {
            case "int" -> Types.optional(PrimitiveTypeName.INT32).named(name);
            case "long" -> Types.optional(PrimitiveTypeName.INT64).named(name);
            case "float" -> Types.optional(PrimitiveTypeName.FLOAT).named(name);
            case "double" -> Types.optional(PrimitiveTypeName.DOUBLE).named(name);
            case "boolean" -> Types.optional(PrimitiveTypeName.BOOLEAN).named(name);
            case "string" ->
                Types.optional(PrimitiveTypeName.BINARY)
                        .as(LogicalTypeAnnotation.stringType())
                        .named(name);
            case "date" ->
                Types.optional(PrimitiveTypeName.INT32)
                        .as(LogicalTypeAnnotation.dateType())
                        .named(name);
            case "timestamp" ->
                Types.optional(PrimitiveTypeName.INT64)
                        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
                        .named(name);
            default -> throw new IllegalArgumentException("Unknown fixture type '" + type + "' of column " + name);
        };
    }

    private static void add(Group group, String name, String type, String value) {
        Matcher decimal = DECIMAL.matcher(type);
        if (decimal.matches()) {
            group.add(
                    name,
                    new BigDecimal(value)
                            .setScale(Integer.parseInt(decimal.group(2)))
                            .unscaledValue()
                            .longValueExact());
            return;
        }
        switch (type) {
            case "int" -> group.add(name, Integer.parseInt(value));
            case "long" -> group.add(name, Long.parseLong(value));
            case "float" -> group.add(name, Float.parseFloat(value));
            case "double" -> group.add(name, Double.parseDouble(value));
            case "boolean" -> group.add(name, Boolean.parseBoolean(value));
            case "string" -> group.add(name, value);
            case "date" -> group.add(name, (int) LocalDate.parse(value).toEpochDay());
            case "timestamp" -> group.add(name, ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(value)));
            default -> throw new IllegalArgumentException("Unknown fixture type '" + type + "'");
        }
    }

    /**
     * Compresses pages in plain Java. A codec without a compressor here (BROTLI, LZO, LZ4) is written
     * uncompressed but labelled with its name, which is enough to test that readers refuse it.
     */
    private static final class Compressors implements CompressionCodecFactory {
        @Override
        public BytesInputCompressor getCompressor(CompressionCodecName codec) {
            return new BytesInputCompressor() {
                @Override
                public BytesInput compress(BytesInput bytes) throws IOException {
                    ByteBuffer buffer = bytes.toByteBuffer(new HeapByteBufferAllocator(), released -> {});
                    byte[] in = Arrays.copyOfRange(
                            buffer.array(),
                            buffer.arrayOffset() + buffer.position(),
                            buffer.arrayOffset() + buffer.limit());
                    return BytesInput.from(
                            switch (codec) {
                                case SNAPPY -> airlift(new SnappyCompressor(), in);
                                case ZSTD -> airlift(new ZstdCompressor(), in);
                                case LZ4_RAW -> airlift(new Lz4Compressor(), in);
                                case GZIP -> gzip(in);
                                default -> in;
                            });
                }

                @Override
                public CompressionCodecName getCodecName() {
                    return codec;
                }

                @Override
                public void release() {}
            };
        }

        @Override
        public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
            throw new UnsupportedOperationException("write only");
        }

        @Override
        public void release() {}

        private static byte[] airlift(Compressor compressor, byte[] in) {
            byte[] out = new byte[compressor.maxCompressedLength(in.length)];
            int length = compressor.compress(in, 0, in.length, out, 0, out.length);
            return Arrays.copyOf(out, length);
        }

        private static byte[] gzip(byte[] in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                gzip.write(in);
            }
            return out.toByteArray();
        }
    }
}
