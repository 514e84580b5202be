package dev.fermion.cli;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;

/** Pipelines for the run and runs commands, found by class name (they are not registered as services). */
public final class RunSamples {
    private RunSamples() {
    }

    public static final class Greet extends Component {
        public static final Input<String> WHO = input("who", String.class);
        public static final Input<Integer> TIMES = input("times", Integer.class);
        public static final Output<String> GREETING = output("greeting", String.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(GREETING, ("hello " + ctx.get(WHO) + " ").repeat(ctx.get(TIMES)).trim());
        }
    }

    public static final class Explode extends Component {
        public static final Input<String> WHO = input("who", String.class);

        @Override
        protected void run(StepContext ctx) {
            for (int i = 1; i <= 30; i++) {
                ctx.log("working on line %d for %s", i, ctx.get(WHO));
            }
            throw new IllegalStateException("the reactor is on fire");
        }
    }

    public static final class Greeting {
        public static final Pipeline PIPELINE = Pipeline.named("greeting").define(p -> {
            var who = p.param("who", "world");
            var times = p.param("times", 1);
            var first = p.step("greet", new Greet()).with(Greet.WHO, who).with(Greet.TIMES, times);
            p.step("echo", new Greet()).with(Greet.WHO, first.out(Greet.GREETING)).with(Greet.TIMES, 1);
        });

        private Greeting() {
        }
    }

    public static final class Broken {
        public static final Pipeline PIPELINE = Pipeline.named("broken").define(p -> {
            var greet = p.step("greet", new Greet()).with(Greet.WHO, "you").with(Greet.TIMES, 1);
            p.step("explode", new Explode()).with(Explode.WHO, greet.out(Greet.GREETING));
        });

        private Broken() {
        }
    }
}
