package dev.fermion.runtime.local;

import dev.fermion.plan.Plan;
import dev.fermion.plan.StepOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The pipeline's own timeout ({@code Plan#lifecycle}): when the main graph must have finished. Steps that
 * would start after it fail without running, running ones get only what is left of it, and an attempt it
 * stopped is told as the pipeline's timeout rather than the step's.
 */
final class Deadline {
    private final Plan plan;
    /** Null without a timeout, and while the exit handler runs. */
    private volatile Instant limit;

    Deadline(Plan plan) {
        this.plan = plan;
    }

    /** Starts the clock for the main graph, if the pipeline has a timeout. */
    void start() {
        Duration timeout = plan.lifecycle().timeout();
        limit = timeout == null ? null : Instant.now().plus(timeout);
    }

    /** Lifts the limit: as on Argo, the exit handler runs whatever the time. */
    void lift() {
        limit = null;
    }

    boolean passed() {
        Instant at = limit;
        return at != null && !Instant.now().isBefore(at);
    }

    String timedOut() {
        return "pipeline '" + plan.name() + "' reached its timeout of "
                + plan.lifecycle().timeout().toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** {@code options} with their timeout cut to what is left before the deadline, if there is one. */
    StepOptions within(StepOptions options) {
        Instant at = limit;
        if (at == null) {
            return options;
        }
        return options.limitedTo(Duration.ofMillis(
                Math.max(1, Duration.between(Instant.now(), at).toMillis())));
    }

    /** The outcome of an attempt the deadline may have stopped, told as the pipeline's timeout if it did. */
    AttemptOutcome against(AttemptOutcome outcome, String path) {
        if (!outcome.ok() && passed()) {
            return new AttemptOutcome(
                    outcome.status(), outcome.exitCode(), timedOut() + ", so step '" + path + "' was stopped");
        }
        return outcome;
    }
}
