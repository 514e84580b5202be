package dev.fermion.components.data;

import dev.fermion.components.parquet.ParquetTable;
import dev.fermion.components.table.Column;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.Csv;
import dev.fermion.components.table.Printable;
import dev.fermion.dsl.BadInputException;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * What the driver learns about the source before the pipeline runs: the files a path or glob matches,
 * their columns (a CSV header, or a Parquet schema) and the column types. Reads through Beam's file systems, so {@code gs://} or {@code s3://}
 * sources work wherever the matching Beam file system is on the class path.
 *
 * <p>Kept in one class, though long, because matching, digesting, header reading and type sniffing share one
 * rule for how a source file is opened (Beam's file systems, compressed or not, CSV or Parquet), and that rule
 * must be the same for the digest that keys the cache and for the rows the pipeline reads.
 */
final class SourceFiles {
    /** Rows read to infer column types; a later row that disagrees is rejected, never coerced. */
    static final int INFERENCE_ROWS = 1000;
    /**
     * The share of a column's sampled values that must be numbers for it to be numeric. Below 1, so that a
     * few bad cells (a typo, an 'inf', a placeholder such as '-') cannot turn a numeric column categorical;
     * their rows are rejected and counted instead. High, so that a column of codes or words with some
     * numbers among them stays categorical.
     */
    static final double NUMERIC_SHARE = 0.95;
    /** Values that are not numbers an inferred column shows in the report. */
    static final int NOT_NUMBER_EXAMPLES = 5;

    private SourceFiles() {}

    /** The files {@code source} names, sorted; none is bad input, a file system that cannot answer is not. */
    static List<String> match(String source) {
        MatchResult result;
        try {
            result = FileSystems.match(source);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list source '" + Printable.of(source) + "'", e);
        } catch (IllegalArgumentException e) {
            // Beam's answer for a malformed glob, or a scheme no file system on the class path serves.
            throw new BadInputException(
                    "Source '" + Printable.of(source) + "' cannot be matched ("
                            + Printable.of(String.valueOf(e.getMessage()), 300)
                            + "): check its spelling; a gs:// or s3:// "
                            + "source needs the Beam file system for it on the step's class path",
                    e);
        }
        if (result.status() == MatchResult.Status.NOT_FOUND) {
            throw new BadInputException("Source '" + Printable.of(source) + "' matches no file: check the path, "
                    + "or the glob and its directory");
        }
        List<String> files = new ArrayList<>();
        try {
            for (MatchResult.Metadata metadata : result.metadata()) {
                files.add(metadata.resourceId().toString());
            }
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw new BadInputException(
                    "Source '" + Printable.of(source) + "' matches no file (" + e.getMessage()
                            + "): check the path, or the glob and its directory",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot list source '" + Printable.of(source) + "' (" + result.status() + "): " + e.getMessage(),
                    e);
        }
        if (files.isEmpty()) {
            throw new BadInputException("Source '" + Printable.of(source) + "' matches no file: check the path, "
                    + "or the glob and its directory");
        }
        files.sort(null);
        return files;
    }

    /**
     * What one pass over the bytes of a source's files gives: their digest, and where the chunks of
     * {@code chunkLines} lines begin in each file read as CSV.
     *
     * @param digest SHA-256 over each file's resource id and bytes, in the order given: what a step that reads
     *               these files reads. Each file enters as the length of its id, the id and the SHA-256 of its
     *               bytes, so no two lists of files give the same input.
     * @param lines  the data lines of each file, after its header, cut into parts of at most
     *               {@code chunkLines} lines that workers read on their own; lines end as
     *               {@link java.io.BufferedReader#readLine} ends them (a line feed, a carriage return, or both)
     */
    record Scan(String digest, List<SourcePart> lines) {
        Scan {
            lines = List.copyOf(lines);
        }
    }

    /**
     * Scans {@code files}, streamed through Beam's file systems and never held in memory, so any source the
     * step can read can be digested. The runner digests a step's source just before the step runs, and the
     * step then finds the scan made in this JVM by the files' ids, sizes and modification times instead of
     * reading them again.
     */
    static Scan scan(List<String> files, int chunkLines) {
        List<String> stamp = stamp(files, chunkLines);
        if (stamp != null) {
            Scan known = SCANS.get(stamp);
            if (known != null) {
                return known;
            }
        }
        Scan scan = read(files, chunkLines);
        if (stamp != null) {
            SCANS.put(stamp, scan);
        }
        return scan;
    }

    /** Scans already made in this JVM, by the files' ids, sizes and modification times and the chunk size. */
    private static final Map<List<String>, Scan> SCANS =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<List<String>, Scan> eldest) {
                    return size() > 64;
                }
            });

    /** Each file's id, size and modification time; null when a file system does not tell the time. */
    private static List<String> stamp(List<String> files, int chunkLines) {
        List<String> stamp = new ArrayList<>();
        stamp.add(Integer.toString(chunkLines));
        for (String file : files) {
            try {
                MatchResult.Metadata metadata = FileSystems.matchSingleFileSpec(file);
                if (metadata.lastModifiedMillis() <= 0) {
                    return null;
                }
                stamp.add(file + "\u0000" + metadata.sizeBytes() + "\u0000" + metadata.lastModifiedMillis());
            } catch (IOException e) {
                return null;
            }
        }
        return stamp;
    }

    private static Scan read(List<String> files, int chunkLines) {
        MessageDigest all = sha256();
        List<SourcePart> parts = new ArrayList<>();
        byte[] buffer = new byte[1 << 16];
        for (String file : files) {
            MessageDigest content = sha256();
            LineChunks chunks = new LineChunks(file, chunkLines, parts);
            try (InputStream in = Channels.newInputStream(channel(file))) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    content.update(buffer, 0, n);
                    chunks.scan(buffer, n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "Cannot read source file " + file + " to digest it: " + e.getMessage(), e);
            }
            chunks.finish();
            byte[] name = file.getBytes(StandardCharsets.UTF_8);
            all.update(ByteBuffer.allocate(Integer.BYTES).putInt(name.length).array());
            all.update(name);
            all.update(content.digest());
        }
        return new Scan(HexFormat.of().formatHex(all.digest()), parts);
    }

    /**
     * Reads the lines of a CSV part, cut as {@link java.io.BufferedReader#readLine} cuts them: a line feed, a
     * carriage return, or the two together end a line. The part's bytes are read and decoded in one piece and
     * cut with {@link String#indexOf(int, int)}. Read line by line through a {@code BufferedReader}, a Beam
     * worker spent a third of its time in that reader's character loop, which stayed interpreted for the first
     * seconds of a run while the JIT compiler worked through Beam's own start-up; the JDK's string search and
     * copy are compiled from the start.
     *
     * @throws IllegalStateException if the file no longer holds the part's lines: it changed since the scan
     */
    static void readLines(SourcePart part, List<String> lines) throws IOException {
        if (part.length() > Integer.MAX_VALUE - 8) {
            throw new BadInputException("Source file " + part.file() + " holds lines " + part.first() + " to "
                    + (part.first() + part.rows() - 1) + " in " + part.length() + " bytes, about "
                    + part.length() / part.rows() / 1024 + " KiB a line: a worker reads " + part.rows()
                    + " lines at once and holds at most 2 GiB of them; check that the file is the CSV you meant");
        }
        byte[] bytes = new byte[(int) part.length()];
        try (ReadableByteChannel channel = channel(part.file())) {
            if (channel instanceof SeekableByteChannel seekable) {
                seekable.position(part.position());
            } else {
                Channels.newInputStream(channel).skipNBytes(part.position());
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // Reads until the part is whole or the file ends.
            }
            if (buffer.hasRemaining()) {
                throw changed(part, part.first());
            }
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.length();
        int at = 0;
        int lineFeed = text.indexOf('\n');
        int carriageReturn = text.indexOf('\r');
        for (long row = 0; row < part.rows(); row++) {
            if (at >= end) {
                throw changed(part, part.first() + row);
            }
            if (lineFeed >= 0 && lineFeed < at) {
                lineFeed = text.indexOf('\n', at);
            }
            if (carriageReturn >= 0 && carriageReturn < at) {
                carriageReturn = text.indexOf('\r', at);
            }
            int lineEnd = lineFeed < 0 ? end : lineFeed;
            if (carriageReturn >= 0 && carriageReturn < lineEnd) {
                lineEnd = carriageReturn;
            }
            lines.add(text.substring(at, lineEnd));
            at = lineEnd + 1;
            if (lineEnd == carriageReturn && at < end && text.charAt(at) == '\n') {
                at++;
            }
        }
    }

    private static IllegalStateException changed(SourcePart part, long line) {
        return new IllegalStateException("Source file " + part.file() + " changed while the step ran: it ends before "
                + "line " + line + ", which it had when the step started");
    }

    /**
     * Counts the lines of one file as its bytes stream past and notes where every {@code chunkLines}-th data
     * line begins. Line 1 is the header; a line feed, a carriage return, or the two together end a line,
     * and bytes after the last line break make a last line, as {@link java.io.BufferedReader#readLine}
     * reads them. UTF-8 never uses these two bytes inside a character, so counting bytes counts lines.
     */
    private static final class LineChunks {
        private final String file;
        private final int chunkLines;
        private final List<SourcePart> parts;
        private long position;
        private long line;
        private boolean atLineStart = true;
        private boolean afterCarriageReturn;
        private long chunkStart = -1;
        private long chunkFirst;

        LineChunks(String file, int chunkLines, List<SourcePart> parts) {
            this.file = file;
            this.chunkLines = chunkLines;
            this.parts = parts;
        }

        void scan(byte[] bytes, int length) {
            for (int i = 0; i < length; i++, position++) {
                byte b = bytes[i];
                if (afterCarriageReturn) {
                    afterCarriageReturn = false;
                    if (b == '\n') {
                        continue;
                    }
                }
                if (atLineStart) {
                    atLineStart = false;
                    line++;
                    if (line >= 2 && (line - 2) % chunkLines == 0) {
                        close(line);
                        chunkStart = position;
                        chunkFirst = line;
                    }
                }
                if (b == '\n') {
                    atLineStart = true;
                } else if (b == '\r') {
                    atLineStart = true;
                    afterCarriageReturn = true;
                }
            }
        }

        /** Ends the chunk under way, if any, with the last line of the file. */
        void finish() {
            close(line + 1);
        }

        /** Ends the chunk under way, if any, before line {@code next}, which begins at the current position. */
        private void close(long next) {
            if (chunkStart >= 0) {
                parts.add(new SourcePart(file, chunkStart, position - chunkStart, chunkFirst, next - chunkFirst));
                chunkStart = -1;
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This Java runtime lacks SHA-256", e);
        }
    }

    /**
     * What a file says about its columns: their names in order and, for Parquet, the types its schema
     * stores (none for CSV, whose types are inferred from rows), read once per file.
     */
    record Columns(List<String> names, Map<String, Column> stored) {}

    static Columns columns(String file, SourceFormat format) {
        if (format != SourceFormat.PARQUET) {
            return new Columns(header(file), Map.of());
        }
        Map<String, Column> stored = new LinkedHashMap<>();
        ParquetTable.schema(file).forEach(column -> stored.put(column.name(), column));
        return new Columns(List.copyOf(stored.keySet()), stored);
    }

    /** Declared types win; a Parquet column has the type of its values, a CSV column is inferred. */
    static List<ColumnDecision> types(
            String file,
            SourceFormat format,
            Columns source,
            List<String> columns,
            Map<String, String> declared,
            Set<String> missingMarkers) {
        if (format != SourceFormat.PARQUET) {
            return types(file, source.names(), columns, declared, missingMarkers);
        }
        return columns.stream()
                .map(name -> declared.containsKey(name)
                        ? ColumnDecision.of(
                                new Column(name, ColumnType.parse(name, declared.get(name))), ColumnDecision.DECLARED)
                        : ColumnDecision.of(source.stored().get(name), ColumnDecision.PARQUET))
                .toList();
    }

    /**
     * The column names of a CSV file's first line. A file that is not text, or whose header is not UTF-8,
     * fails here, before its bytes could reach a message raw.
     */
    private static List<String> header(String file) {
        byte[] line;
        try (InputStream in = open(file)) {
            byte[] head = in.readNBytes(Printable.HEAD);
            Printable.binaryKind(head, head.length).ifPresent(kind -> {
                throw new BadInputException("Source file " + file + " looks like a binary file, not CSV text: " + kind
                        + ". A CSV source is UTF-8 text with a header line naming the columns");
            });
            line = firstLine(head, in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read source file " + file, e);
        }
        if (line == null) {
            throw new BadInputException(
                    "Source file " + file + " is empty: the first line must be a " + "header naming the columns");
        }
        String first;
        try {
            first = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(line))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException(
                    "The header line of source file " + file + " is not UTF-8 text: "
                            + Printable.of(Printable.decode(line, line.length)) + "; save the file as UTF-8",
                    e);
        }
        first = first.startsWith("\uFEFF") ? first.substring(1) : first;
        List<String> header;
        try {
            header = Csv.parse(first.endsWith("\r") ? first.substring(0, first.length() - 1) : first);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(
                    "The header line of source file " + file + " is not valid CSV (" + e.getMessage() + "): "
                            + Printable.of(first),
                    e);
        }
        if (Set.copyOf(header).size() != header.size() || header.contains("")) {
            throw new BadInputException("Header of " + file + " must name every column once, got "
                    + Printable.list(header) + "; give each column a name of its own");
        }
        return header;
    }

    /** The bytes of the first line, without its line break; null for an empty file. */
    private static byte[] firstLine(byte[] head, InputStream rest) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (byte b : head) {
            if (b == '\n') {
                return line.toByteArray();
            }
            line.write(b);
        }
        for (int b = rest.read(); b >= 0 && b != '\n'; b = rest.read()) {
            line.write(b);
        }
        return line.size() == 0 && head.length == 0 ? null : line.toByteArray();
    }

    /** How every source file is opened: through Beam's file systems, so any scheme on the class path works. */
    private static ReadableByteChannel channel(String file) throws IOException {
        return FileSystems.open(FileSystems.matchNewResource(file, false));
    }

    private static InputStream open(String file) throws IOException {
        return new BufferedInputStream(Channels.newInputStream(channel(file)), 1 << 16);
    }

    /**
     * Infers the type of each wanted column from the first {@link #INFERENCE_ROWS} rows of the first file:
     * numeric when at least {@link #NUMERIC_SHARE} of the values present (not missing) are finite numbers,
     * categorical otherwise or when no value is present. Declared types win. The same file always gives the
     * same types.
     */
    private static List<ColumnDecision> types(
            String file,
            List<String> header,
            List<String> columns,
            Map<String, String> declared,
            Set<String> missingMarkers) {
        List<String> sample = head(file, INFERENCE_ROWS + 1);
        List<List<String>> rows = new ArrayList<>();
        for (String line : sample.subList(Math.min(1, sample.size()), sample.size())) {
            try {
                List<String> fields = Csv.parse(line);
                // Malformed lines are rejected with their reason when the pipeline validates them.
                rows.add(fields.size() == header.size() ? fields : null);
            } catch (IllegalArgumentException e) {
                rows.add(null);
            }
        }
        List<ColumnDecision> result = new ArrayList<>();
        for (String name : columns) {
            if (declared.containsKey(name)) {
                result.add(ColumnDecision.of(
                        new Column(name, ColumnType.parse(name, declared.get(name))), ColumnDecision.DECLARED));
                continue;
            }
            int position = header.indexOf(name);
            long present = 0;
            long numbers = 0;
            List<ColumnDecision.SampleValue> notNumbers = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                List<String> fields = rows.get(i);
                if (fields == null || missingMarkers.contains(fields.get(position))) {
                    continue;
                }
                present++;
                if (isNumber(fields.get(position))) {
                    numbers++;
                } else if (notNumbers.size() < NOT_NUMBER_EXAMPLES) {
                    notNumbers.add(new ColumnDecision.SampleValue(i + 2, fields.get(position)));
                }
            }
            boolean numeric = present > 0 && numbers >= NUMERIC_SHARE * present;
            result.add(new ColumnDecision(
                    name,
                    numeric ? ColumnType.NUMERIC : ColumnType.CATEGORICAL,
                    ColumnDecision.INFERRED,
                    present,
                    numbers,
                    notNumbers));
        }
        return result;
    }

    private static boolean isNumber(String value) {
        try {
            return Double.isFinite(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static List<String> head(String file, int lines) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(Channels.newInputStream(channel(file)), StandardCharsets.UTF_8))) {
            List<String> result = new ArrayList<>();
            for (String line = reader.readLine(); line != null && result.size() < lines; line = reader.readLine()) {
                result.add(line);
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read source file " + file, e);
        }
    }
}
