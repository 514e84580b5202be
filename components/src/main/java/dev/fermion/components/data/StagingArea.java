package dev.fermion.components.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Where the transforms write: the staging root of one run, with each chunk's output a part file named by
 * {@link PartNames}. Every write passes the root's {@link StagingGate}.
 */
final class StagingArea implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String root;
    private final PartNames parts;

    StagingArea(String root, PartNames parts) {
        this.root = root;
        this.parts = parts;
    }

    /** The lines of one part file, written as they are formatted. */
    @FunctionalInterface
    interface PartText {
        void writeTo(PartWriter out) throws IOException;
    }

    /** Writes a chunk's part of the output in {@code directory} (under the root), named after its first row. */
    void writePart(String directory, Located first, PartText text) throws IOException {
        create(directory + "/" + parts.name(first), text);
    }

    /** Writes rejected rows as one part of the rejects, and hands on their count by column and reason. */
    void reject(List<Rejection> rejections, PrepareTotals.Layout layout, DoFn.OutputReceiver<PrepareTotals> out)
            throws IOException {
        if (rejections.isEmpty()) {
            return;
        }
        PrepareTotals totals = layout.empty();
        rejections.forEach(totals::reject);
        writePart(PreparePipeline.REJECTS_DIRECTORY, rejections.get(0), part -> {
            for (Rejection rejection : rejections) {
                part.line().append(rejection.toCsv());
                part.endLine();
            }
        });
        out.output(totals);
    }

    /** Writes the file {@code name} (under the root). */
    void write(String name, String text) throws IOException {
        create(name, out -> out.line().append(text));
    }

    private void create(String name, PartText text) throws IOException {
        String path = root + "/" + name;
        StagingGate.write(path, () -> {
            try (PartWriter out =
                    new PartWriter(FileSystems.create(FileSystems.matchNewResource(path, false), MimeTypes.TEXT))) {
                text.writeTo(out);
            }
        });
    }
}
