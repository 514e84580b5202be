package dev.fermion.testfixtures;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;

/**
 * Nested conditions whose result is read after them, as Kubeflow Pipelines' compiler tests write them (a coin
 * flipped twice, {@code dsl.If} inside {@code dsl.If}, the message of whichever branch ran read with
 * {@code dsl.OneOf}). Shared by the compiler's golden files and the local runner's tests, so both show the
 * same semantics: seed 3 says "heads twice", seed 1 "heads, then tails", seed 2 "tails".
 */
public final class NestedConditions {
    private NestedConditions() {}

    public static Pipeline pipeline() {
        return Pipeline.named("nested-conditions").define(p -> {
            var flip = p.step("flip", new FlipCoin()).with(FlipCoin.SEED, p.param("seed", 1));
            var heads = p.when(flip.out(FlipCoin.SIDE).isEqualTo("heads"), b -> {
                var again = b.step("flip-again", new FlipCoin()).with(FlipCoin.SEED, flip.out(FlipCoin.NEXT_SEED));
                var twice = b.when(
                        again.out(FlipCoin.SIDE).isEqualTo("heads"),
                        hh -> hh.step("heads-heads", new Say()).with(Say.TEXT, "heads twice"));
                var once =
                        twice.otherwise(ht -> ht.step("heads-tails", new Say()).with(Say.TEXT, "heads, then tails"));
                return twice.then().out(Say.SAID).orElse(once.out(Say.SAID));
            });
            var tails = heads.otherwise(t -> t.step("tails", new Say()).with(Say.TEXT, "tails"));
            p.step("report", new Say()).with(Say.TEXT, heads.then().orElse(tails.out(Say.SAID)));
        });
    }

    /** Heads for an odd seed; the next flip's seed is half of this one. */
    public static final class FlipCoin extends Component {
        public static final Input<Integer> SEED = input("seed", Integer.class);
        public static final Output<String> SIDE = output("side", String.class);
        public static final Output<Integer> NEXT_SEED = output("next-seed", Integer.class);

        @Override
        protected void run(StepContext ctx) {
            int seed = ctx.get(SEED);
            ctx.put(SIDE, seed % 2 == 1 ? "heads" : "tails");
            ctx.put(NEXT_SEED, seed / 2);
        }
    }

    /** Says its text. */
    public static final class Say extends Component {
        public static final Input<String> TEXT = input("text", String.class);
        public static final Output<String> SAID = output("said", String.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.log("%s", ctx.get(TEXT));
            ctx.put(SAID, ctx.get(TEXT));
        }
    }
}
