package dev.fermion.cli;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Param;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.PipelineSource;
import dev.fermion.dsl.StepContext;
import java.util.List;

/** Pipelines the CLI tests find through the ServiceLoader registration in test resources. */
public final class SamplePipelines {
    private SamplePipelines() {}

    public static final class Square extends Component {
        public static final Input<Integer> X = input("x", Integer.class);
        public static final Output<Integer> Y = output("y", Integer.class);

        @Override
        protected void run(StepContext ctx) {
            int x = ctx.get(X);
            ctx.put(Y, x * x);
        }
    }

    public static final class Sum extends Component {
        public static final Input<List<Integer>> VALUES =
                input("values", new dev.fermion.types.ValueType<List<Integer>>() {});
        public static final Output<Integer> TOTAL = output("total", Integer.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(TOTAL, ctx.get(VALUES).stream().mapToInt(Integer::intValue).sum());
        }
    }

    /** square each item, sum the squares, square the sum when it is large enough. */
    public static final class Squares implements PipelineSource {
        @Override
        public Pipeline pipeline() {
            return Pipeline.named("squares").define(p -> {
                Param<Integer> limit = p.param("limit", 10);
                var loop = p.forEach(
                        "each",
                        List.of(1, 2, 3),
                        (b, item) -> b.step("square", new Square()).with(Square.X, item));
                var sum = p.step("sum", new Sum()).with(Sum.VALUES, loop.collect(Square.Y));
                p.when(
                                sum.out(Sum.TOTAL).greaterThan(limit),
                                b -> b.step("big", new Square()).with(Square.X, sum.out(Sum.TOTAL)))
                        .otherwise(b -> b.step("small", new Square()).with(Square.X, limit));
            });
        }
    }

    /** A script step: shown in graphs with its image. */
    public static final class Shout extends dev.fermion.dsl.ContainerComponent {
        public static final Input<Integer> X = input("x", Integer.class);
        public static final Output<String> TEXT = output("text", String.class);

        @Override
        protected dev.fermion.dsl.ContainerCommand command(dev.fermion.dsl.Placeholders p) {
            return dev.fermion.dsl.ContainerCommand.script(
                            "python:3.12-slim",
                            "python",
                            "import os\nopen(os.environ['OUT'], 'w').write(str(int(os.environ['X']) * 2))\n")
                    .env("X", p.value(X))
                    .env("OUT", p.outputPath(TEXT));
        }
    }

    public static final class WithScript {
        public static final Pipeline PIPELINE = Pipeline.named("with-script").define(p -> {
            var square = p.step("square", new Square()).with(Square.X, 3);
            p.step("shout", new Shout()).with(Shout.X, square.out(Square.Y));
        });
    }

    /** A step that mounts a Kubernetes volume, which a local run cannot provide. */
    public static final class WithVolume {
        public static final Pipeline PIPELINE = Pipeline.named("with-volume")
                .define(p -> p.step("only", new Square())
                        .with(Square.X, 3)
                        .mount(dev.fermion.plan.VolumeMount.pvc("shared-data", "/data")));
    }

    /** Defined by a static field rather than PipelineSource, and not registered: reachable by class name only. */
    public static final class ByField {
        public static final Pipeline PIPELINE = Pipeline.named("by-field")
                .define(p -> p.step("only", new Square()).with(Square.X, 3));
    }
}
