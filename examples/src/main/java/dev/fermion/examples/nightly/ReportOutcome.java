package dev.fermion.examples.nightly;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;

/**
 * The exit handler of the nightly retrain: states how the run ended, in the log that on-call reads and as
 * an output that alerting can pick up.
 */
public final class ReportOutcome extends Component {
    public static final Input<String> PIPELINE = input("pipeline", String.class);
    public static final Input<String> STATUS =
            input("status", String.class).describedAs("the pipeline status: Succeeded, Failed or Error");
    public static final Output<String> SUMMARY = output("summary", String.class);
    public static final Output<Boolean> NEEDS_ATTENTION = output("needs-attention", Boolean.class);

    @Override
    protected void run(StepContext ctx) {
        String status = ctx.get(STATUS);
        boolean failed = !"Succeeded".equals(status);
        String summary = ctx.get(PIPELINE) + " run " + ctx.runId() + " ended: " + status
                + (failed ? " - look at the failed step's log and resume the run" : "");
        ctx.log("%s", summary);
        ctx.put(SUMMARY, summary);
        ctx.put(NEEDS_ATTENTION, failed);
    }
}
