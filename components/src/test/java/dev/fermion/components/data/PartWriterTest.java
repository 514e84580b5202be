package dev.fermion.components.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartWriterTest {
    @TempDir
    Path dir;

    /** What the part files held when each was written whole: the lines' text, as String.getBytes encodes it. */
    @Test
    void writesTheBytesOfTheWholeTextHoweverItsLinesFallAcrossTheBuffer() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            lines.add(i + ",x" + "é€😀".repeat(i % 7) + ",end");
        }
        lines.add("long," + "y".repeat(100_000)); // longer than the buffer by itself
        lines.add("a lone surrogate \uD800 and a reversed pair \uDE00\uD83D becomes '?', as String.getBytes writes it");
        lines.add("last");
        Path file = dir.resolve("part.csv");

        try (PartWriter out =
                new PartWriter(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
            for (String line : lines) {
                out.line().append(line);
                out.endLine();
            }
        }

        byte[] expected = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
    }

    @Test
    void aPartWithoutLinesIsAnEmptyFile() throws IOException {
        Path file = dir.resolve("empty.csv");
        new PartWriter(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)).close();
        assertThat(file).isEmptyFile();
    }
}
