package dev.fermion.dsl;

import dev.fermion.types.Dataset;
import dev.fermion.types.Model;
import dev.fermion.types.ValueType;
import java.util.List;

/**
 * Components and sub-pipelines shared by the DSL tests. They are public static nested classes with public
 * no-argument constructors because the DSL rejects anything a launcher could not instantiate by name.
 */
public final class Fixtures {
    private Fixtures() {}

    /** Cannot run without a GPU. */
    public static final class CudaOnly extends Component {
        public static final Output<String> DEVICE = output("device", String.class);

        @Override
        public boolean requiresGpu() {
            return true;
        }

        @Override
        protected void run(StepContext ctx) {
            ctx.put(DEVICE, "cuda");
        }
    }

    /** A version the compiler could not write into a memoize key. */
    public static final class BracedVersion extends Component {
        @Override
        public String version() {
            return "1.{{x}}";
        }

        @Override
        protected void run(StepContext ctx) {}
    }

    /** An input named like the digest Fermion passes beside its artifact input. */
    public static final class ClashingPorts extends Component {
        public static final Input<Dataset> DATA = input("data", Dataset.class);
        public static final Input<String> DATA_DIGEST = input("data-digest", String.class);

        @Override
        protected void run(StepContext ctx) {}
    }

    /** A sub-pipeline with an optional input. */
    public static final class OptionalInput extends SubPipeline {
        public static final Input<String> NOTE = input("note", String.class).optional();

        @Override
        protected void define(Dag dag) {
            dag.step("noop", new Noop());
        }
    }

    /** A sweep's configuration, the item type of loops over records. */
    public record Trial(double rate, int epochs, String name, List<Integer> layers) {}

    public record Label(String name) {}

    public static final class Source extends Component {
        public static final Output<String> TEXT = output("text", String.class);
        public static final Output<Double> SCORE = output("score", Double.class);
        public static final Output<Integer> COUNT = output("count", Integer.class);
        public static final Output<Boolean> FLAG = output("flag", Boolean.class);
        public static final Output<Dataset> DATA = output("data", Dataset.class);
        public static final Output<List<Double>> SCORES = output("scores", ValueType.listOf(Double.class));

        @Override
        protected void run(StepContext ctx) {}
    }

    public static final class Echo extends Component {
        public static final Input<String> TEXT = input("text", String.class);
        public static final Output<String> RESULT = output("result", String.class);

        @Override
        protected void run(StepContext ctx) {}
    }

    public static final class Train extends Component {
        public static final Input<Dataset> DATA = input("data", Dataset.class);
        public static final Input<Integer> EPOCHS = input("epochs", Integer.class);
        public static final Input<Double> RATE = input("rate", Double.class).defaultValue(0.1);
        public static final Input<String> NOTE = input("note", String.class).optional();
        public static final Output<Double> ACCURACY = output("accuracy", Double.class);
        public static final Output<Model> MODEL = output("model", Model.class);

        @Override
        protected void run(StepContext ctx) {}
    }

    public static final class Pick extends Component {
        public static final Input<List<Double>> SCORES = input("scores", ValueType.listOf(Double.class));
        public static final Output<Double> BEST = output("best", Double.class);

        @Override
        protected void run(StepContext ctx) {}
    }

    /** Ports whose names no other fixture uses, so binding them elsewhere is a foreign port. */
    public static final class Other extends Component {
        public static final Input<String> LABEL = input("label", String.class);
        public static final Output<String> SUMMARY = output("summary", String.class);

        @Override
        protected void run(StepContext ctx) {}
    }

    public static final class Noop extends Component {
        @Override
        protected void run(StepContext ctx) {}
    }

    public static final class ReadsFile extends Component {
        @Override
        public boolean cacheableByDefault() {
            return false;
        }

        @Override
        protected void run(StepContext ctx) {}
    }

    public static final class Relay extends SubPipeline {
        public static final Input<String> TEXT = input("text", String.class);
        public static final Output<String> RESULT = output("result", String.class);

        @Override
        protected void define(Dag dag) {
            var echo = dag.step("echo", new Echo()).with(Echo.TEXT, dag.input(TEXT));
            dag.output(RESULT, echo.out(Echo.RESULT));
        }
    }

    /** Trains on the data set it is given. */
    public static final class TrainAndReport extends SubPipeline {
        public static final Input<Dataset> DATA = input("data", Dataset.class);

        @Override
        protected void define(Dag dag) {
            dag.step("train", new Train()).with(Train.DATA, dag.input(DATA)).with(Train.EPOCHS, 1);
        }
    }

    public static final class Forgetful extends SubPipeline {
        public static final Output<String> RESULT = output("result", String.class);

        @Override
        protected void define(Dag dag) {
            dag.step("noop", new Noop());
        }
    }

    public static final class DeclaresParam extends SubPipeline {
        @Override
        protected void define(Dag dag) {
            dag.param("threshold", 0.5);
            dag.step("noop", new Noop());
        }
    }

    public static final class Empty extends SubPipeline {
        @Override
        protected void define(Dag dag) {}
    }

    public static final class CallsItself extends SubPipeline {
        @Override
        protected void define(Dag dag) {
            dag.step("again", new CallsItself());
        }
    }

    public static final class SetsOutputTwice extends SubPipeline {
        public static final Output<String> RESULT = output("result", String.class);

        @Override
        protected void define(Dag dag) {
            var source = dag.step("source", new Source());
            dag.output(RESULT, source.out(Source.TEXT));
            dag.output(RESULT, source.out(Source.TEXT));
        }
    }

    public static final class SetsForeignOutput extends SubPipeline {
        @Override
        protected void define(Dag dag) {
            var source = dag.step("source", new Source());
            dag.output(Other.SUMMARY, source.out(Source.TEXT));
        }
    }

    public static final class SetsOutputInABranch extends SubPipeline {
        public static final Output<String> RESULT = output("result", String.class);

        @Override
        protected void define(Dag dag) {
            var source = dag.step("source", new Source());
            dag.when(source.out(Source.FLAG).isTrue(), b -> {
                b.output(RESULT, source.out(Source.TEXT));
                return null;
            });
        }
    }

    public static final class DuplicatePortNames extends Component {
        public static final Input<String> FIRST = input("x", String.class);
        public static final Input<Integer> SECOND = input("x", Integer.class);

        @Override
        protected void run(StepContext ctx) {}
    }

    public static final class NeedsArgument extends Component {
        public NeedsArgument(int unused) {}

        @Override
        protected void run(StepContext ctx) {}
    }

    static final class PackagePrivate extends Component {
        @Override
        protected void run(StepContext ctx) {}
    }

    static Inner inner() {
        return new Fixtures().new Inner();
    }

    // Inner on purpose: a component that needs an enclosing instance, which the DSL must refuse by name.
    @SuppressWarnings("ClassCanBeStatic")
    public final class Inner extends Component {
        @Override
        protected void run(StepContext ctx) {}
    }

    public static class Extensible extends Component {
        @Override
        protected void run(StepContext ctx) {}
    }
}
