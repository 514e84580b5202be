package com.example.orders;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;

import java.util.Locale;

/** Produces the review note that a finance team picks up when revenue crosses the threshold. */
public final class FlagForReview extends Component {
    public static final Input<Double> REVENUE = input("revenue", Double.class);
    public static final Input<Double> THRESHOLD = input("threshold", Double.class);
    public static final Output<String> NOTE = output("note", String.class);

    @Override
    protected void run(StepContext ctx) {
        String note = String.format(Locale.ROOT, "revenue %.2f is above the review threshold %.2f",
                ctx.get(REVENUE), ctx.get(THRESHOLD));
        ctx.log("%s", note);
        ctx.put(NOTE, note);
    }
}
