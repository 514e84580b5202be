package dev.fermion.maven;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Param;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.PipelineSource;
import dev.fermion.dsl.StepContext;
import dev.fermion.plan.Schedule;

/**
 * Pipelines of a pretend user project. They are deliberately not registered in this module's test
 * resources: a test registers them in the project's classes directory, as the user's build would.
 */
public final class Fixtures {
    private Fixtures() {}

    public static final class Doubler extends Component {
        public static final Input<Integer> X = input("x", Integer.class);
        public static final Output<Integer> Y = output("y", Integer.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(Y, 2 * ctx.get(X));
        }
    }

    public static final class Doubling implements PipelineSource {
        @Override
        public Pipeline pipeline() {
            return Pipeline.named("doubling").define(p -> {
                Param<Integer> x = p.param("x", 21);
                p.step("double", new Doubler()).with(Doubler.X, x);
            });
        }
    }

    public static final class Nightly implements PipelineSource {
        @Override
        public Pipeline pipeline() {
            return Pipeline.named("nightly")
                    .schedule(Schedule.cron("0 3 * * *"))
                    .define(p -> p.step("double", new Doubler()).with(Doubler.X, 1));
        }
    }
}
