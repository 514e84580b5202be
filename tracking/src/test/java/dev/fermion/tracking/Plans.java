package dev.fermion.tracking;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Plan;
import dev.fermion.plan.StepOptions;
import dev.fermion.types.Dataset;
import dev.fermion.types.Model;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Plans and components for tracker tests; the tracker reads only their names and versions. */
final class Plans {
    private Plans() {}

    static Plan plan(String name, String experiment) {
        return new Plan(
                name,
                experiment,
                "Trains and evaluates a classifier.",
                "1.2.0",
                List.of(),
                new Graph(name, List.of(), List.of(), List.of()),
                Optional.empty(),
                StepOptions.NONE,
                Optional.empty(),
                Map.of());
    }

    /** Reads a source; stands in for data preparation in a sweep-shaped plan. */
    public static final class Prepare extends Component {
        public static final Input<String> SOURCE = input("source", String.class);
        public static final Output<Dataset> DATA = output("data", Dataset.class);

        @Override
        protected void run(StepContext ctx) {}
    }

    /** Stands in for training. */
    public static final class Train extends Component {
        public static final Input<Dataset> DATA = input("data", Dataset.class);
        public static final Input<Double> RATE = input("learning-rate", Double.class);
        public static final Output<Model> MODEL = output("model", Model.class);
        public static final Output<Double> LOSS = output("loss", Double.class);

        @Override
        protected void run(StepContext ctx) {}
    }

    /** Stands in for evaluation. */
    public static final class Evaluate extends Component {
        public static final Input<Model> MODEL = input("model", Model.class);
        public static final Output<Double> ACCURACY = output("accuracy", Double.class);

        @Override
        protected void run(StepContext ctx) {}
    }

    /** A sweep: prepare, a loop of trials, the best retrained, evaluated; its steps are what a tracker test reports. */
    static Plan sweep(String experiment) {
        return Pipeline.named("sweep")
                .experiment(experiment)
                .define(p -> {
                    var prepare = p.step("prepare", new Prepare()).with(Prepare.SOURCE, "data/iris.csv");
                    var grid = p.forEach(
                            "grid",
                            List.of(0.001, 0.01, 0.1),
                            (b, rate) -> b.step("trial", new Train())
                                    .with(Train.DATA, prepare.out(Prepare.DATA))
                                    .with(Train.RATE, rate));
                    var best = p.step("train-best", new Train())
                            .with(Train.DATA, prepare.out(Prepare.DATA))
                            .with(Train.RATE, 0.01)
                            .after(grid);
                    var evaluate = p.step("evaluate", new Evaluate()).with(Evaluate.MODEL, best.out(Train.MODEL));
                    p.result("accuracy", evaluate.out(Evaluate.ACCURACY));
                })
                .plan();
    }

    static ComponentSpec component(String className) {
        return new ComponentSpec(className, "3", List.of(), List.of());
    }
}
