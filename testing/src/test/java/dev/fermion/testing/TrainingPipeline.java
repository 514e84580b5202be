package dev.fermion.testing;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;
import dev.fermion.types.Model;
import java.nio.file.Files;
import java.util.List;

/** A small training pipeline whose training step is too slow for unit tests, so tests replace it. */
public final class TrainingPipeline {
    private TrainingPipeline() {}

    public static final class Prepare extends Component {
        public static final Input<Integer> ROWS = input("rows", Integer.class);
        public static final Output<Integer> CLEAN_ROWS = output("clean-rows", Integer.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(CLEAN_ROWS, ctx.get(ROWS) - 2);
        }
    }

    public static final class Train extends Component {
        public static final Input<Integer> ROWS = input("rows", Integer.class);
        public static final Input<Double> LEARNING_RATE = input("learning-rate", Double.class);
        public static final Output<Model> MODEL = output("model", Model.class);
        public static final Output<Double> LOSS = output("loss", Double.class);

        @Override
        protected void run(StepContext ctx) {
            throw new UnsupportedOperationException(
                    "real training needs a GPU cluster; replace this step in unit tests");
        }
    }

    public static final class Evaluate extends Component {
        public static final Input<Model> MODEL = input("model", Model.class);
        public static final Input<Double> LOSS = input("loss", Double.class);
        public static final Output<Double> ACCURACY = output("accuracy", Double.class);

        @Override
        protected void run(StepContext ctx) throws Exception {
            double weight = Double.parseDouble(
                    Files.readString(ctx.get(MODEL).file("weights.txt")).trim());
            ctx.put(ACCURACY, weight * (1 - ctx.get(LOSS)));
        }
    }

    public static final class Deploy extends Component {
        public static final Input<Double> ACCURACY = input("accuracy", Double.class);
        public static final Output<String> ENDPOINT = output("endpoint", String.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(ENDPOINT, "https://models.example/" + ctx.get(ACCURACY));
        }
    }

    public static final Pipeline PIPELINE = Pipeline.named("training").define(p -> {
        var minAccuracy = p.param("min-accuracy", 0.9);
        var rows = p.param("rows", 100);
        var prepare = p.step("prepare", new Prepare()).with(Prepare.ROWS, rows);
        var sweep = p.forEach(
                "sweep",
                List.of(0.1, 0.01),
                (body, rate) -> body.step("train", new Train())
                        .with(Train.ROWS, prepare.out(Prepare.CLEAN_ROWS))
                        .with(Train.LEARNING_RATE, rate));
        var finalTrain = p.step("final-train", new Train())
                .with(Train.ROWS, prepare.out(Prepare.CLEAN_ROWS))
                .with(Train.LEARNING_RATE, 0.05)
                .after(sweep);
        var evaluate = p.step("evaluate", new Evaluate())
                .with(Evaluate.MODEL, finalTrain.out(Train.MODEL))
                .with(Evaluate.LOSS, finalTrain.out(Train.LOSS));
        p.when(
                evaluate.out(Evaluate.ACCURACY).atLeast(minAccuracy),
                b -> b.step("deploy", new Deploy()).with(Deploy.ACCURACY, evaluate.out(Evaluate.ACCURACY)));
    });
}
