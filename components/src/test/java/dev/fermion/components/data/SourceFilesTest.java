package dev.fermion.components.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceFilesTest {
    @TempDir
    Path tmp;

    /**
     * Workers read parts of a file from where the scan says they begin: together the parts must hold
     * exactly the lines a reader of the whole file sees after the header, numbered alike, whatever ends
     * the lines (line feeds, carriage returns, both, none at the end) and wherever buffers are cut.
     */
    @Test
    void partsHoldTheLinesOfTheWholeFileInOrder() throws Exception {
        Random random = new Random(5);
        String[] pieces = {"a", "b,c", "\u00e9", "\"q\"", "\n", "\r", "\r\n", "\n\n", ""};
        for (int trial = 0; trial < 200; trial++) {
            StringBuilder text = new StringBuilder("x,y\r\n");
            int length = random.nextInt(trial < 100 ? 40 : 40_000);
            for (int i = 0; i < length; i++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            Path file = tmp.resolve("source-" + trial + ".csv");
            Files.writeString(file, text);
            int chunkLines = 1 + random.nextInt(trial < 100 ? 4 : 3000);

            SourceFiles.Scan scan = SourceFiles.scan(List.of(file.toString()), chunkLines);

            List<String> expected = new ArrayList<>();
            try (BufferedReader reader = Files.newBufferedReader(file)) {
                reader.readLine();
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    expected.add(line);
                }
            }
            List<String> read = new ArrayList<>();
            long next = 2;
            for (SourcePart part : scan.lines()) {
                assertThat(part.first()).as("trial %d", trial).isEqualTo(next);
                assertThat(part.rows()).isBetween(1L, (long) chunkLines);
                SourceFiles.readLines(part, read);
                next += part.rows();
            }
            assertThat(read).as("trial %d: %s", trial, trial < 100 ? text : "").isEqualTo(expected);
        }
    }

    /** A file changed after a scan is scanned again: a part never starts where the old file had a line. */
    @Test
    void aChangedFileIsScannedAgain() throws Exception {
        Path file = tmp.resolve("data.csv");
        Files.writeString(file, "x\n1\n2\n3\n");
        assertThat(SourceFiles.scan(List.of(file.toString()), 2).lines())
                .extracting(SourcePart::rows)
                .containsExactly(2L, 1L);
        Files.writeString(file, "x\n1\n2\n3\n4\n5\n");
        Files.setLastModifiedTime(
                file,
                java.nio.file.attribute.FileTime.fromMillis(
                        Files.getLastModifiedTime(file).toMillis() + 2000));
        SourceFiles.Scan again = SourceFiles.scan(List.of(file.toString()), 2);
        assertThat(again.lines()).extracting(SourcePart::rows).containsExactly(2L, 2L, 1L);
        assertThat(again.lines()).extracting(SourcePart::position).containsExactly(2L, 6L, 10L);
    }

    /** Bytes that are not UTF-8 become what a reader of the whole file makes of them, wherever a part begins. */
    @Test
    void bytesThatAreNotUtf8ReadAsAReaderOfTheWholeFileReadsThem() throws Exception {
        byte[] bytes = {
            'h', '\n', 'a', (byte) 0xff, 'b', '\n', (byte) 0xc3, '\n', (byte) 0xe2, (byte) 0x82, '\r', 'c', '\n'
        };
        Path file = tmp.resolve("bad.csv");
        Files.write(file, bytes);
        List<String> expected = new ArrayList<>();
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
        reader.readLine();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            expected.add(line);
        }

        List<String> read = new ArrayList<>();
        for (SourcePart part : SourceFiles.scan(List.of(file.toString()), 1).lines()) {
            SourceFiles.readLines(part, read);
        }

        assertThat(read).containsExactlyElementsOf(expected).hasSize(4);
    }

    /** A file cut short after the scan fails the part that lost its lines, naming the file and the line. */
    @Test
    void aFileCutShortSinceTheScanFailsNamingTheLineItLost() throws Exception {
        Path file = tmp.resolve("cut.csv");
        Files.writeString(file, "x\n1\n2\n3\n");
        List<SourcePart> parts = SourceFiles.scan(List.of(file.toString()), 2).lines();
        Files.writeString(file, "x\n1\n2\n");

        assertThatThrownBy(() -> SourceFiles.readLines(parts.get(1), new ArrayList<>()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Source file " + file + " changed while the step ran: it ends before line 4, which it had "
                        + "when the step started");
    }
}
