package dev.fermion.components.parquet;

import dev.fermion.components.table.Column;
import dev.fermion.dsl.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * A flat Parquet file read as a data preparation source: its columns typed the way a declared CSV schema
 * would type them, and its rows as the texts a CSV file would hold, so the validation, splitting and
 * statistics written for CSV sources apply unchanged. Rows are decoded one row group at a time, so memory
 * stays bounded by the largest row group however large the file is, and row groups can be read apart.
 */
public final class ParquetTable {
    private ParquetTable() {}

    /** Receives the rows of a file in file order. */
    @FunctionalInterface
    public interface RowConsumer {
        /**
         * @param row    1-based position of the row in the file, for error messages
         * @param values one text per column in schema order, null where the value is missing; unmodifiable
         */
        void accept(long row, List<String> values);
    }

    /**
     * The columns in file order: numbers and decimals are numeric, everything else (strings, booleans,
     * dates, timestamps) categorical. Fails on nested, repeated or unsupported columns and on codecs that
     * cannot be read, so a source is rejected before a pipeline starts rather than in the middle of it.
     */
    public static List<Column> schema(String file) {
        try (ParquetFileReader reader = open(file)) {
            return columns(file, reader).stream().map(ColumnText::column).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close Parquet file " + file, e);
        }
    }

    /**
     * Hands every row to {@code consumer} and returns how many there were. Exceptions thrown by the
     * consumer pass through unchanged; errors while decoding name the file and the row.
     */
    public static long forEachRow(String file, RowConsumer consumer) {
        long row = 0;
        List<Long> groups = rowGroups(file);
        for (int group = 0; group < groups.size(); group++) {
            if (groups.get(group) > 0) {
                forEachRow(file, group, row + 1, consumer);
                row += groups.get(group);
            }
        }
        return row;
    }

    /**
     * The number of rows in each row group of the file, in file order, as its footer tells them; fails like
     * {@link #schema} on columns that cannot be read.
     */
    public static List<Long> rowGroups(String file) {
        try (ParquetFileReader reader = open(file)) {
            columns(file, reader);
            return reader.getRowGroups().stream()
                    .map(BlockMetaData::getRowCount)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close Parquet file " + file, e);
        }
    }

    /**
     * Hands the rows of one row group to {@code consumer}, numbered from {@code firstRow}, the row group's
     * place in the file, so that several workers can each read a row group of the same file.
     */
    public static void forEachRow(String file, int rowGroup, long firstRow, RowConsumer consumer) {
        try (ParquetFileReader reader = open(file)) {
            TextRows materializer = new TextRows(columns(file, reader));
            MessageType schema = reader.getFileMetaData().getSchema();
            MessageColumnIO io = new ColumnIOFactory(reader.getFileMetaData().getCreatedBy()).getColumnIO(schema);
            long rows = reader.getRowGroups().get(rowGroup).getRowCount();
            if (rows == 0) {
                // pyarrow writes an empty table as one empty row group, which reading logs a warning for
                return;
            }
            RecordReader<String[]> records;
            try {
                records = io.getRecordReader(reader.readRowGroup(rowGroup), materializer, FilterCompat.NOOP);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "Cannot read Parquet file " + file + " after row " + (firstRow - 1) + " (" + e.getMessage()
                                + "): check that the file was copied whole",
                        e);
            } catch (RuntimeException e) {
                throw corrupt(file, firstRow, e);
            }
            for (long i = 0; i < rows; i++) {
                String[] values;
                try {
                    values = records.read();
                } catch (RuntimeException e) {
                    throw corrupt(file, firstRow + i, e);
                }
                consumer.accept(firstRow + i, Collections.unmodifiableList(Arrays.asList(values)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close Parquet file " + file, e);
        }
    }

    private static ParquetFileReader open(String file) {
        BeamInputFile input = BeamInputFile.of(file);
        ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
                .withCodecFactory(new Decompressors())
                .build();
        SeekableInputStream stream;
        try {
            stream = input.newStream();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open Parquet file " + file + ": " + e.getMessage(), e);
        }
        ParquetFileReader reader;
        try {
            reader = ParquetFileReader.open(input, options, stream);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot read the footer of Parquet file " + file + " (" + e.getMessage()
                            + "): check that the file was copied whole",
                    e);
        } catch (RuntimeException e) {
            throw new BadInputException(
                    file + " is not a readable Parquet file (" + e.getMessage()
                            + "): check that it was written as Parquet and copied whole",
                    e);
        }
        try {
            requireSupportedCodecs(file, reader);
            return reader;
        } catch (RuntimeException e) {
            closeQuietly(reader, e);
            throw e;
        }
    }

    private static List<ColumnText> columns(String file, ParquetFileReader reader) {
        List<ColumnText> columns = new ArrayList<>();
        for (Type field : reader.getFileMetaData().getSchema().getFields()) {
            columns.add(ColumnText.of(file, field));
        }
        return columns;
    }

    private static void requireSupportedCodecs(String file, ParquetFileReader reader) {
        for (BlockMetaData rowGroup : reader.getRowGroups()) {
            for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
                if (!Decompressors.SUPPORTED.contains(chunk.getCodec())) {
                    throw new BadInputException(file + ": column '"
                            + chunk.getPath().toDotString()
                            + "' is compressed with " + chunk.getCodec() + ", which cannot be read: rewrite the "
                            + "file with one of " + Decompressors.SUPPORTED);
                }
            }
        }
    }

    private static BadInputException corrupt(String file, long row, RuntimeException e) {
        return new BadInputException(
                file + ", row " + row + ": cannot decode the Parquet data (" + e.getMessage()
                        + "): the file is corrupt or truncated; write it again",
                e);
    }

    private static void closeQuietly(ParquetFileReader reader, RuntimeException failure) {
        try {
            reader.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
