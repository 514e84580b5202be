package dev.fermion.components.table;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.dsl.BadInputException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the JSON files that data sets, the fitted preprocessing and model bundles are made of. A file that
 * is missing, is not JSON or does not describe what it should is bad input, since reading it again gives
 * the same result; only an error of the file system itself may heal.
 */
public final class JsonFile {
    /** Characters of the parser's own message shown: it may quote the file, so it is escaped and cut. */
    private static final int MESSAGE = 300;

    private JsonFile() {}

    /**
     * @param what what the file should hold, for the message ({@code "data set schema"})
     * @param fix  how to get a good one ({@code "pass the 'preprocessing' output of PrepareCsv"})
     */
    public static <T> T read(ObjectMapper json, Path file, Class<T> type, String what, String fix) {
        try {
            return json.readValue(file.toFile(), type);
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw new BadInputException(file + " does not exist, so it holds no " + what + "; " + fix, e);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1
                    ? ""
                    : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new BadInputException(
                    file + " is not a valid " + what + where + " (" + Printable.of(e.getOriginalMessage(), MESSAGE)
                            + "); " + fix,
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
