package dev.fermion.bench;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;

/** The benchmark's step: the smallest component that still passes a typed value along every edge. */
public final class Noop extends Component {
    public static final Input<Integer> X = input("x", Integer.class);
    public static final Output<Integer> Y = output("y", Integer.class);

    @Override
    protected void run(StepContext ctx) {
        ctx.put(Y, ctx.get(X) + 1);
    }
}
