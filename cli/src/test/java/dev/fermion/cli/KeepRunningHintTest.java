package dev.fermion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Param;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeepRunningHintTest {

    /** Stands for Deploy here: only the keep-running input matters to the hint. */
    public static final class Serve extends Component {
        public static final Input<Boolean> KEEP_RUNNING =
                input("keep-running", Boolean.class).defaultValue(false);

        @Override
        protected void run(StepContext ctx) {}
    }

    private static final Pipeline BY_PARAM = Pipeline.named("served").define(p -> {
        Param<Boolean> keep = p.param("keep", false);
        p.when(
                p.param("ship", true).isTrue(),
                b -> b.step("deploy", new Serve()).with(Serve.KEEP_RUNNING, keep));
    });

    private static final Pipeline FIXED = Pipeline.named("fixed").define(p -> p.step("deploy", new Serve()));

    @Test
    void aParameterFeedingKeepRunningGivesThisRunsCommandWithItSetToTrue() {
        String hint =
                KeepRunningHint.of(BY_PARAM.plan(), List.of("run", "served", "-p", "epochs=5", "--mlflow", "auto"));
        assertThat(hint).isEqualTo("keep them with: fermion run served -p epochs=5 --mlflow auto -p keep=true");
    }

    @Test
    void aSettingOfThatParameterIsReplacedAndOddWordsQuoted() {
        assertThat(KeepRunningHint.of(
                        BY_PARAM.plan(),
                        List.of(
                                "run",
                                "served",
                                "-p",
                                "keep=false",
                                "-pkeep=no",
                                "--param=keep=0",
                                "-p",
                                "note=two words",
                                "--home",
                                "/tmp/it's")))
                .isEqualTo(
                        "keep them with: fermion run served -p 'note=two words' --home '/tmp/it'\\''s' -p keep=true");
    }

    @Test
    void aResumedRunIsToldWhichParameterToSet() {
        assertThat(KeepRunningHint.of(BY_PARAM.plan(), null))
                .isEqualTo("run the pipeline again with -p keep=true to keep them");
    }

    @Test
    void aKeepRunningInputThatIsNoParameterIsNamed() {
        assertThat(KeepRunningHint.of(FIXED.plan(), List.of("run", "fixed")))
                .isEqualTo("step deploy of pipeline fixed set keep-running without a parameter: set it to true there "
                        + "to keep them");
    }
}
