package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;
import dev.fermion.runtime.fixtures.Steps.Emit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local runs use this machine's devices: they say which steps asked for GPUs, and refuse steps that require one. */
class GpusTest {
    @TempDir
    Path home;

    /** Cannot run without a GPU. */
    public static final class CudaOnly extends Component {
        public static final Output<String> DEVICE = output("device", String.class);

        @Override
        public boolean requiresGpu() {
            return true;
        }

        @Override
        protected void run(StepContext ctx) {
            ctx.put(DEVICE, "cuda");
        }
    }

    private static Pipeline pipeline() {
        return Pipeline.named("gpus").define(p -> {
            p.step("embed", new Emit()).gpus(2);
            p.step("kernel", new CudaOnly());
            p.step("cpu", new Emit());
        });
    }

    @Test
    void aGpuIsTheDriversDeviceNodes(@TempDir Path dev) throws Exception {
        assertThat(Gpus.present(dev)).isFalse();
        Files.createFile(dev.resolve("nvidiactl"));
        assertThat(Gpus.present(dev)).isFalse();
        Files.createFile(dev.resolve("nvidia0"));
        assertThat(Gpus.present(dev)).isTrue();
    }

    @Test
    void stepsThatAskForGpusAreNamedAndThoseThatRequireOneAreNot() {
        assertThat(Gpus.askedFor(pipeline().plan())).containsExactly("step 'embed' asks for 2 GPUs");
    }

    @Test
    void withoutAGpuAStepThatRequiresOneStopsTheRunBeforeItStarts() {
        RunOptions options = RunOptions.defaults().withHome(new FermionHome(home));
        assertThatThrownBy(() -> ExternalSteps.requireGpus(pipeline().plan(), options, false))
                .isInstanceOf(RunSetupException.class)
                .hasMessageContaining("step 'kernel' requires a GPU, and this machine has none");
        ExternalSteps.requireGpus(pipeline().plan(), options, true);
    }

    @Test
    void aTestDoubleNeedsNoGpu() {
        RunOptions options = RunOptions.defaults()
                .withHome(new FermionHome(home))
                .withReplacements(Map.of("kernel", step -> step.put(CudaOnly.DEVICE, "double")));
        ExternalSteps.requireGpus(pipeline().plan(), options, false);
    }
}
