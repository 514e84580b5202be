package dev.fermion.e2e;

import dev.fermion.dsl.ContainerCommand;
import dev.fermion.dsl.ContainerComponent;
import dev.fermion.dsl.FermionPipeline;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.Placeholders;
import dev.fermion.plan.Retry;
import dev.fermion.examples.nightly.ReportOutcome;

import java.time.Duration;

/**
 * The e2e suite's failing pipeline (e2e/run.sh compiles it and passes it with --classpath): one step that fails
 * on every attempt with a transient error (exit 1, which Fermion's retry policy retries), retried twice with
 * backoff, so the workflow fails; the exit handler then reports the status with the examples' ReportOutcome.
 * The failing step runs the cluster's Debian image, the exit handler the Fermion runtime image.
 */
public final class FailingStepPipeline {
    /** The line the failing step prints before it exits: the suite looks for it in the watch's log tail. */
    public static final String MARKER = "fermion-e2e: the flaky dependency is down";

    @FermionPipeline
    public static Pipeline failingStep() {
        return Pipeline.named("e2e-failing-step").experiment("e2e")
                .description("A step that always fails, retried with backoff, then an exit handler")
                .defaults(d -> d.cpu("100m").memory("256Mi"))
                .define(p -> {
                    p.step("flaky", new AlwaysFails())
                            .with(AlwaysFails.ATTEMPT_NOTE, "e2e")
                            .retry(Retry.times(2).backoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(10)));
                    p.onExit(exit -> exit.step("report", new ReportOutcome())
                            .with(ReportOutcome.PIPELINE, "e2e-failing-step")
                            .with(ReportOutcome.STATUS, exit.status()));
                });
    }

    /** Prints its marker and exits 1 on every attempt. */
    public static final class AlwaysFails extends ContainerComponent {
        public static final Input<String> ATTEMPT_NOTE = input("note", String.class);
        public static final Output<String> NEVER = output("never", String.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.script("localhost/fermion-e2e/debian:bookworm", "bash", """
                            echo "%s ($NOTE)"
                            exit 1
                            """.formatted(MARKER))
                    .env("NOTE", p.value(ATTEMPT_NOTE)).env("NEVER", p.outputPath(NEVER));
        }
    }
}
