package dev.fermion.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompilerTasksTest {
    @ParameterizedTest
    @CsvSource({
        "prepare, prepare",
        "train(1), train(1)",
        "square(0:3), square(0:3)",
        "prepare--source, prepare/source-digest",
        "prepare--source(2), prepare/source-digest(2)",
        "t-7up--source(0), 7up/source-digest(0)",
        "t-shirt--source, t-shirt/source-digest",
        "recurse--depth-exceeded, recurse/depth-exceeded",
        "fermion--finish-tracking, fermion/finish-tracking",
        "fermion--finish-tracking(0), fermion/finish-tracking(0)",
    })
    void compilerTasksShowUnderTheStepTheyServeAndStepsKeepTheirNames(String displayName, String label) {
        assertThat(CompilerTasks.label(displayName)).isEqualTo(label);
    }
}
