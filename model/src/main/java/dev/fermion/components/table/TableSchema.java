package dev.fermion.components.table;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The columns of a data set and the roles of two of them: {@code id} identifies a row across steps and
 * {@code label} is the value to predict (absent for data to predict on). Stored as {@code schema.json}
 * next to the CSV files of a data set.
 */
public record TableSchema(List<Column> columns, String id, String label) implements java.io.Serializable {
    public static final String FILE = "schema.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TableSchema {
        columns = List.copyOf(columns);
        Objects.requireNonNull(id, "id");
    }

    public Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public Column require(String name) {
        return column(name)
                .orElseThrow(() -> new IllegalArgumentException(
                        "Column '" + name + "' is not in the schema; known columns: " + names()));
    }

    public List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    /** The feature columns: every column except the id and the label. */
    public List<Column> features() {
        return columns.stream()
                .filter(c -> !c.name().equals(id) && !c.name().equals(label))
                .toList();
    }

    public void write(Path directory) {
        try {
            JSON.writeValue(directory.resolve(FILE).toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + directory.resolve(FILE), e);
        }
    }

    public static Optional<TableSchema> read(Path directory) {
        Path file = directory.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(JsonFile.read(
                JSON,
                file,
                TableSchema.class,
                "data set schema",
                "write it again with the step that made the data set, or delete it to have the types inferred"));
    }
}
