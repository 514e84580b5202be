package dev.fermion.components.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.components.preprocess.ColumnStatistics;
import dev.fermion.components.preprocess.DatasetStatistics;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.table.ColumnType;
import dev.fermion.components.table.Csv;
import dev.fermion.components.table.Printable;
import dev.fermion.components.table.TableSchema;
import dev.fermion.dsl.BadInputException;
import dev.fermion.dsl.SourceDataset;
import dev.fermion.dsl.StepContext;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * The driver's side of the staging root, once {@link PreparePipeline} has run: concatenates the part files
 * into {@link PrepareCsv}'s artifacts, reports the counts, statistics and rejects, and clears the staged files
 * from shared storage.
 */
final class StagedOutputs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StagedOutputs() {}

    /**
     * Copies what the pipeline staged into the step's artifacts, reports counts and statistics, and fails
     * when more rows were rejected than the step may reject.
     */
    static void collect(
            StepContext ctx,
            TableSchema schema,
            String staging,
            List<ColumnDecision> decisions,
            double maxRejectedShare,
            String source,
            String digest)
            throws IOException {
        Directory preprocessingDir = ctx.output(PrepareCsv.PREPROCESSING);
        for (String file : List.of(Preprocessing.FILE, "statistics.json", "train-statistics.json")) {
            copy(staging + "/" + file, preprocessingDir.file(file));
        }
        schema.write(preprocessingDir.path());
        Preprocessing preprocessing = Preprocessing.read(preprocessingDir.path());
        List<String> featureHeader = new ArrayList<>();
        featureHeader.add(schema.id());
        featureHeader.addAll(preprocessing.featureNames());
        featureHeader.add(schema.label());

        PreparePipeline.Counts counts =
                JSON.readValue(read(staging + "/" + PreparePipeline.COUNTS), PreparePipeline.Counts.class);
        List<Dataset> splits =
                List.of(ctx.output(PrepareCsv.TRAIN), ctx.output(PrepareCsv.VALIDATION), ctx.output(PrepareCsv.TEST));
        String dataHeader = Csv.format(schema.names());
        for (int i = 0; i < 3; i++) {
            Dataset dataset = splits.get(i);
            String name = Split.NAMES.get(i);
            concatenate(staging + "/" + name + "/" + PreparePipeline.DATA, dataset.file("data.csv"), dataHeader);
            concatenate(
                    staging + "/" + name + "/" + PreparePipeline.FEATURES,
                    dataset.file("features.csv"),
                    Csv.format(featureHeader));
            schema.write(dataset.path());
        }
        Dataset rejects = ctx.output(PrepareCsv.REJECTS);
        concatenate(
                staging + "/" + PreparePipeline.REJECTS_DIRECTORY,
                rejects.file("rejects.csv"),
                Csv.format(Rejection.HEADER));
        long train = counts.train();
        long validation = counts.validation();
        long test = counts.test();
        long rejected = counts.rejected();
        ctx.put(PrepareCsv.TRAIN_ROWS, train);
        ctx.put(PrepareCsv.VALIDATION_ROWS, validation);
        ctx.put(PrepareCsv.TEST_ROWS, test);
        ctx.put(PrepareCsv.REJECTED_ROWS, rejected);
        ctx.put(PrepareCsv.ROWS, train + validation + test);
        ctx.metric("rows", train + validation + test);
        ctx.metric("train-rows", train);
        ctx.metric("validation-rows", validation);
        ctx.metric("test-rows", test);
        ctx.metric("rejected-rows", rejected);
        List<RejectionSummary.Group> groups = List.of(
                JSON.readValue(read(staging + "/" + PreparePipeline.REJECTS_SUMMARY), RejectionSummary.Group[].class));
        PrepareReport report = new PrepareReport(
                train + validation + test + rejected,
                train + validation + test,
                rejected,
                maxRejectedShare,
                decisions,
                groups);
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(preprocessingDir.file(PrepareCsv.REPORT).toFile(), report);
        Map<String, String> columns = new LinkedHashMap<>();
        boolean generatedId = ctx.find(PrepareCsv.ID_COLUMN).isEmpty();
        // The source's own columns: not the row id the step makes up when the data has none.
        decisions.stream()
                .filter(d -> !(generatedId && ColumnDecision.ID.equals(d.basis())))
                .forEach(d -> columns.put(d.name(), d.type() == ColumnType.NUMERIC ? "double" : "string"));
        ctx.source(new SourceDataset(sourceName(source), source, digest, columns, report.rows()));
        if (rejected > 0) {
            ctx.log(
                    "%d row(s) rejected: %s; every row and reason in %s",
                    rejected, describe(groups, 3), rejects.file("rejects.csv"));
        }
        if (rejected > maxRejectedShare * report.rows()) {
            throw new BadInputException(String.format(
                    Locale.ROOT,
                    "PrepareCsv rejected %d of %d rows "
                            + "(%.1f%%) of '%s', more than 'max-rejected-share' (%s) allows: %s. Fix the source accordingly, "
                            + "or raise 'max-rejected-share' if losing these rows is right; every rejected row and its "
                            + "reasons are in %s",
                    rejected,
                    report.rows(),
                    100.0 * rejected / report.rows(),
                    ctx.get(PrepareCsv.SOURCE),
                    maxRejectedShare,
                    describe(groups, 5),
                    rejects.file("rejects.csv")));
        }
        DatasetStatistics statistics =
                JSON.readValue(preprocessingDir.file("statistics.json").toFile(), DatasetStatistics.class);
        for (ColumnStatistics column : statistics.columns()) {
            ctx.metric(column.name() + ".count", column.count());
            ctx.metric(column.name() + ".missing", column.missing());
            if (column.type() == ColumnType.NUMERIC && column.count() > 0) {
                ctx.metric(column.name() + ".min", column.min());
                ctx.metric(column.name() + ".max", column.max());
                ctx.metric(column.name() + ".mean", column.mean());
            } else if (column.type() == ColumnType.CATEGORICAL) {
                ctx.metric(column.name() + ".distinct", column.categories().size());
            }
        }
        ctx.log("Rows: train %d, validation %d, test %d, rejected %d", train, validation, test, rejected);
    }

    /** The largest groups of rejected rows, with where they are and how to fix them. */
    private static String describe(List<RejectionSummary.Group> groups, int shown) {
        List<String> parts = new ArrayList<>();
        for (RejectionSummary.Group group : groups.subList(0, Math.min(shown, groups.size()))) {
            String where = group.column().isEmpty() ? "whole rows" : "column '" + Printable.of(group.column()) + "'";
            parts.add(where + ": " + group.rows() + (group.rows() == 1 ? " row, " : " rows, ")
                    + group.reason().description() + " (" + String.join(", ", group.lines())
                    + (group.rows() > group.lines().size() ? ", ..." : "") + "); "
                    + group.reason().fix());
        }
        if (groups.size() > shown) {
            parts.add((groups.size() - shown) + " more reasons in " + PrepareCsv.REPORT);
        }
        return String.join("; ", parts);
    }

    private static String read(String spec) throws IOException {
        try (InputStream in = Channels.newInputStream(
                FileSystems.open(FileSystems.matchSingleFileSpec(spec).resourceId()))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void copy(String spec, Path target) throws IOException {
        try (InputStream in = Channels.newInputStream(
                        FileSystems.open(FileSystems.matchSingleFileSpec(spec).resourceId()));
                OutputStream out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
    }

    /**
     * Writes the header and then the part files of one output in the order of their names, which is the
     * order of the source. Local parts are copied by the kernel (a file channel's transfer), without
     * passing through the JVM.
     */
    private static void concatenate(String directory, Path target, String header) throws IOException {
        MatchResult matched = FileSystems.match(
                directory + "/" + PartNames.PREFIX + "*" + PartNames.SUFFIX, EmptyMatchTreatment.ALLOW);
        List<ResourceId> parts = matched.status() == MatchResult.Status.NOT_FOUND
                ? List.of()
                : matched.metadata().stream()
                        .map(MatchResult.Metadata::resourceId)
                        .sorted(Comparator.comparing(ResourceId::getFilename))
                        .toList();
        try (FileChannel out = FileChannel.open(
                target, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, ByteBuffer.wrap((header + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buffer = null;
            for (ResourceId part : parts) {
                try (ReadableByteChannel in = FileSystems.open(part)) {
                    if (in instanceof FileChannel file) {
                        long size = file.size();
                        for (long done = 0; done < size; ) {
                            done += file.transferTo(done, size - done, out);
                        }
                        continue;
                    }
                    buffer = buffer == null ? ByteBuffer.allocate(1 << 16) : buffer;
                    while (in.read(buffer.clear()) >= 0) {
                        writeFully(out, buffer.flip());
                    }
                }
            }
        }
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }

    /** Removes what the pipeline staged on shared storage once it is in the artifacts. */
    static void delete(String staging) throws IOException {
        MatchResult matched = FileSystems.match(staging + "/**");
        if (matched.status() == MatchResult.Status.OK) {
            List<ResourceId> files = matched.metadata().stream()
                    .map(MatchResult.Metadata::resourceId)
                    .toList();
            FileSystems.delete(files, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
        }
    }

    /** The source as people name it: the file name, or the last part of a glob or URI. */
    private static String sourceName(String source) {
        String trimmed = source.replaceAll("/+$", "");
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
