package dev.fermion.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;
import dev.fermion.runtime.fixtures.Steps;
import dev.fermion.tracking.MlflowTracker;
import dev.fermion.tracking.SharedMlflowServer;
import dev.fermion.tracking.TrackingOptions;
import dev.fermion.tracking.mlflow.MlflowClient;
import dev.fermion.tracking.mlflow.MlflowCredentials;
import dev.fermion.tracking.mlflow.RetryPolicy;
import dev.fermion.tracking.mlflow.RunInfo;
import dev.fermion.types.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracking and model registration are the runner's policy, not the command line's: a run started from Java code
 * with {@link Tracking} is recorded in a real MLflow and registers its model, as {@code fermion run} does.
 */
@ExtendWith(SharedMlflowServer.class)
class TrackedRunTest {
    @TempDir
    Path home;

    public static final class Fit extends Component {
        public static final Input<Double> RATE = input("rate", Double.class);
        public static final Output<Model> MODEL = output("model", Model.class);

        @Override
        protected void run(StepContext ctx) throws Exception {
            Files.writeString(ctx.output(MODEL).path().resolve("weights.bin"), "w" + ctx.get(RATE));
            ctx.metric("loss", 0.5, 0);
        }
    }

    private static Pipeline pipeline(String experiment, boolean failAfterwards) {
        return Pipeline.named("tracked").experiment(experiment).define(p -> {
            var fit = p.step("fit", new Fit()).with(Fit.RATE, 0.1);
            if (failAfterwards) {
                p.step("check", new Steps.Fail()).after(fit);
            }
        });
    }

    @Test
    void aRunStartedFromJavaIsTrackedAndRegistersItsModel(SharedMlflowServer.Server server) {
        String experiment = "tracked-" + UUID.randomUUID();
        String registered = "fit-" + UUID.randomUUID();
        Pipeline pipeline = pipeline(experiment, false);
        List<String> warnings = new CopyOnWriteArrayList<>();
        Tracking tracking = Tracking.to(new MlflowTracker(TrackingOptions.of(server.uri(), home)))
                .registering(ModelRegistration.of(pipeline.plan(), null, registered, "champion"))
                .warningsTo(warnings::add);

        RunResult result = new LocalRunner(
                        RunOptions.defaults().withHome(new FermionHome(home)).withTracking(tracking))
                .run(pipeline.plan(), Map.of());

        assertThat(result.succeeded()).isTrue();
        assertThat(result.tracking().registered()).isTrue();
        assertThat(result.tracking().summary().complete()).isTrue();
        assertThat(result.tracking().summary().links().run())
                .startsWith(server.uri().toString());
        assertThat(warnings).isEmpty();
        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        String experimentId = client.experimentId(experiment);
        List<RunInfo> parents = client.findRunsByTag(experimentId, "fermion.run", result.runId()).stream()
                .filter(run -> !run.tags().containsKey("mlflow.parentRunId"))
                .toList();
        assertThat(parents).hasSize(1);
        assertThat(client.findRunsByTag(
                        experimentId, "mlflow.parentRunId", parents.get(0).runId()))
                .extracting(RunInfo::runName)
                .containsExactly("fit");
        assertThat(client.versionByAlias(registered, "champion")).isNotNull();
    }

    @Test
    void aFailedRunRegistersNothingAndSaysWhy(SharedMlflowServer.Server server) {
        String registered = "fit-" + UUID.randomUUID();
        Pipeline pipeline = pipeline("tracked-" + UUID.randomUUID(), true);
        Tracking tracking = Tracking.to(new MlflowTracker(TrackingOptions.of(server.uri(), home)))
                .registering(ModelRegistration.of(pipeline.plan(), "fit/model", registered, null));

        RunResult result = new LocalRunner(
                        RunOptions.defaults().withHome(new FermionHome(home)).withTracking(tracking))
                .run(pipeline.plan(), Map.of());

        assertThat(result.succeeded()).isFalse();
        assertThat(result.tracking().registered()).isFalse();
        assertThat(result.tracking().notRegistered()).isEqualTo("the run did not succeed");
        MlflowClient client = new MlflowClient(server.uri(), MlflowCredentials.none(), RetryPolicy.defaults());
        assertThat(client.modelVersions(registered)).isEmpty();
    }

    @Test
    void aRegistrationNamesAModelOutputOfTheMainGraph() {
        Pipeline pipeline = pipeline("unused", false);
        assertThat(ModelRegistration.of(pipeline.plan(), null, "m", null).model())
                .isEqualTo("fit/model");
        assertThatThrownBy(() -> ModelRegistration.of(pipeline.plan(), "fit/weights", "m", null))
                .isInstanceOf(RunSetupException.class)
                .hasMessage(
                        "fit/weights: pipeline tracked has no such Model output; its Model outputs are [fit/model]");
        assertThatThrownBy(() -> ModelRegistration.of(
                        Pipeline.named("none")
                                .define(p -> p.step("e", new Steps.Emit()))
                                .plan(),
                        null,
                        "m",
                        null))
                .hasMessage("pipeline none has no step with a Model output to register");
    }
}
