package dev.fermion.components.table;

import dev.fermion.dsl.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A CSV file read into memory, with the position of each row so errors can say where a bad value is.
 * Data sets written by Fermion keep their rows in {@code data.csv}; a data set made by hand may hold a
 * single CSV file of any name.
 */
public record Table(Path file, List<String> header, List<Row> rows, Optional<TableSchema> schema) {
    public static final String DATA_FILE = "data.csv";

    /** One data row and the 1-based line it came from. */
    public record Row(long line, List<String> values) {
        public Row {
            values = List.copyOf(values);
        }
    }

    public Table {
        header = List.copyOf(header);
        rows = List.copyOf(rows);
    }

    public int index(String column) {
        int i = header.indexOf(column);
        if (i < 0) {
            throw new BadInputException(
                    file + " has no column '" + Printable.of(column) + "'; its columns are " + Printable.list(header));
        }
        return i;
    }

    public boolean has(String column) {
        return header.contains(column);
    }

    /** Where a value lives, for error messages: {@code file, line N, column 'c'}. */
    public String where(Row row, String column) {
        return file + ", line " + row.line() + ", column '" + column + "'";
    }

    /** Reads the data file of a data set directory (see {@link #dataFile}). */
    public static Table readDataset(Path directory) {
        return read(dataFile(directory), TableSchema.read(directory));
    }

    public static Path dataFile(Path directory) {
        Path data = directory.resolve(DATA_FILE);
        if (Files.exists(data)) {
            return data;
        }
        if (!Files.isDirectory(directory)) {
            throw new BadInputException("Data set " + directory
                    + (Files.exists(directory) ? " is a file, not a " + "directory" : " does not exist")
                    + ": a data set is a directory holding " + DATA_FILE
                    + " or one .csv file");
        }
        List<Path> csvs;
        try (Stream<Path> files = Files.list(directory)) {
            csvs = files.filter(f -> f.getFileName().toString().endsWith(".csv"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list data set directory " + directory, e);
        }
        if (csvs.size() != 1) {
            throw new BadInputException("Data set " + directory + " must hold " + DATA_FILE
                    + " or exactly one .csv file, found " + csvs.size() + ": " + csvs);
        }
        return csvs.get(0);
    }

    public static Table read(Path file, Optional<TableSchema> schema) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("CSV file " + file + (Files.exists(file) ? " is not a file" : " does not exist")
                    + ": pass a data set directory or a CSV file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(Printable.HEAD);
            Printable.binaryKind(head, head.length).ifPresent(kind -> {
                throw new BadInputException(file + " looks like a binary file, not CSV text: " + kind
                        + ". A data set holds UTF-8 CSV text with a header line");
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = reader.readLine();
            if (first == null) {
                throw new BadInputException(file + " is empty: a CSV data file needs a header line");
            }
            List<String> header;
            try {
                header = Csv.parse(stripBom(first));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(
                        file + ", line 1 (the header): " + e.getMessage() + "; fix the header " + "line: "
                                + Printable.of(first),
                        e);
            }
            List<Row> rows = new ArrayList<>();
            long line = 1;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                line++;
                if (text.isEmpty() && header.size() > 1) {
                    throw new BadInputException(file + ", line " + line + " is empty: remove the line "
                            + "or fill in its " + header.size() + " fields");
                }
                List<String> values;
                try {
                    values = Csv.parse(text);
                } catch (IllegalArgumentException e) {
                    throw new BadInputException(
                            file + ", line " + line + ": " + e.getMessage() + "; fix the row "
                                    + "or run it through PrepareCsv, which moves malformed rows to its rejects",
                            e);
                }
                if (values.size() != header.size()) {
                    throw new BadInputException(file + ", line " + line + ": " + values.size()
                            + " fields but the header has " + header.size() + "; fix the row or run it "
                            + "through PrepareCsv, which moves such rows to its rejects");
                }
                rows.add(new Row(line, values));
            }
            return new Table(file, header, rows, schema);
        } catch (CharacterCodingException e) {
            throw new BadInputException(file + " holds bytes that are not UTF-8 text; save it as UTF-8", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }
}
