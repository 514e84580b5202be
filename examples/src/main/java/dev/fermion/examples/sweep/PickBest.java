package dev.fermion.examples.sweep;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;
import dev.fermion.types.ValueType;
import java.util.List;

/**
 * Picks the candidate with the lowest score from the fan-in of a sweep: {@code candidates[i]} scored
 * {@code scores[i]}. Ties go to the earlier candidate, so the choice is deterministic.
 */
public final class PickBest extends Component {
    public static final Input<List<Double>> CANDIDATES = input("candidates", ValueType.listOf(Double.class));
    public static final Input<List<Double>> SCORES =
            input("scores", ValueType.listOf(Double.class)).describedAs("lower is better, e.g. a validation loss");
    public static final Output<Double> BEST = output("best", Double.class);
    public static final Output<Double> BEST_SCORE = output("best-score", Double.class);
    public static final Output<Integer> BEST_INDEX = output("best-index", Integer.class);

    @Override
    protected void run(StepContext ctx) {
        List<Double> candidates = ctx.get(CANDIDATES);
        List<Double> scores = ctx.get(SCORES);
        if (candidates.isEmpty() || candidates.size() != scores.size()) {
            throw new IllegalArgumentException("need one score per candidate, got " + candidates.size()
                    + " candidates and " + scores.size() + " scores");
        }
        int best = 0;
        for (int i = 1; i < scores.size(); i++) {
            if (scores.get(i) < scores.get(best)) {
                best = i;
            }
        }
        for (int i = 0; i < scores.size(); i++) {
            ctx.log("candidate %s scored %s%s", candidates.get(i), scores.get(i), i == best ? "  <- best" : "");
        }
        ctx.put(BEST, candidates.get(best));
        ctx.put(BEST_SCORE, scores.get(best));
        ctx.put(BEST_INDEX, best);
        ctx.metric("best-score", scores.get(best));
    }
}
