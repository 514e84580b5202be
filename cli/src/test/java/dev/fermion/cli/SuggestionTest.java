package dev.fermion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionTest {
    private static final List<String> COMMANDS = List.of(
            "list",
            "compile",
            "graph",
            "run",
            "runs",
            "mlflow",
            "submit",
            "status",
            "logs",
            "templates",
            "serve",
            "help");

    @Test
    void editsCountInsertionsDeletionsChangesAndSwaps() {
        assertThat(Suggestion.edits("run", "run")).isZero();
        assertThat(Suggestion.edits("rn", "run")).isEqualTo(1);
        assertThat(Suggestion.edits("runn", "run")).isEqualTo(1);
        assertThat(Suggestion.edits("ran", "run")).isEqualTo(1);
        assertThat(Suggestion.edits("lsit", "list")).isEqualTo(1);
        assertThat(Suggestion.edits("trian", "run")).isEqualTo(3);
        assertThat(Suggestion.edits("", "run")).isEqualTo(3);
    }

    @Test
    void theClosestCommandsAreSuggestedWhenCloseEnough() {
        assertThat(Suggestion.closest("trian", COMMANDS)).containsExactly("run");
        assertThat(Suggestion.closest("lsit", COMMANDS)).containsExactly("list");
        assertThat(Suggestion.closest("template", COMMANDS)).containsExactly("templates");
        assertThat(Suggestion.closest("runz", COMMANDS)).containsExactly("run", "runs");
        assertThat(Suggestion.closest("frobnicate", COMMANDS)).isEmpty();
        assertThat(Suggestion.closest("x", COMMANDS)).isEmpty();
        assertThat(Suggestion.closest("deploy", COMMANDS)).isEmpty();
    }
}
