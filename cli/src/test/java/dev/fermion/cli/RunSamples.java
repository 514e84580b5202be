package dev.fermion.cli;

import dev.fermion.contract.Home;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;
import dev.fermion.types.Model;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/** Pipelines for the run and runs commands, found by class name (they are not registered as services). */
public final class RunSamples {
    private RunSamples() {}

    public static final class Greet extends Component {
        public static final Input<String> WHO = input("who", String.class);
        public static final Input<Integer> TIMES = input("times", Integer.class);
        public static final Output<String> GREETING = output("greeting", String.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(
                    GREETING,
                    ("hello " + ctx.get(WHO) + " ").repeat(ctx.get(TIMES)).trim());
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
            var echo = p.step("echo", new Greet())
                    .with(Greet.WHO, first.out(Greet.GREETING))
                    .with(Greet.TIMES, 1);
            p.result("greeting", echo.out(Greet.GREETING));
        });

        private Greeting() {}
    }

    /** A greeting that asks for a GPU, which it can do without. */
    public static final class AsksForGpu {
        public static final Pipeline PIPELINE = Pipeline.named("asks-for-gpu")
                .define(p -> p.step("greet", new Greet())
                        .with(Greet.WHO, "gpu")
                        .with(Greet.TIMES, 1)
                        .gpus(1));

        private AsksForGpu() {}
    }

    /** A component that cannot run without a GPU. */
    public static final class CudaGreet extends Component {
        public static final Output<String> GREETING = output("greeting", String.class);

        @Override
        public boolean requiresGpu() {
            return true;
        }

        @Override
        protected void run(StepContext ctx) {
            ctx.put(GREETING, "hello from CUDA");
        }
    }

    public static final class RequiresGpu {
        public static final Pipeline PIPELINE =
                Pipeline.named("requires-gpu").define(p -> p.step("cuda", new CudaGreet()));

        private RequiresGpu() {}
    }

    /** A greeting and a step that is never cached, as one that notifies or deploys is not. */
    public static final class Notifying {
        public static final Pipeline PIPELINE = Pipeline.named("notifying").define(p -> {
            var greet = p.step("greet", new Greet()).with(Greet.WHO, "you").with(Greet.TIMES, 1);
            p.step("notify", new Greet())
                    .with(Greet.WHO, greet.out(Greet.GREETING))
                    .with(Greet.TIMES, 1)
                    .noCache();
        });

        private Notifying() {}
    }

    public static final class Broken {
        public static final Pipeline PIPELINE = Pipeline.named("broken").define(p -> {
            var greet = p.step("greet", new Greet()).with(Greet.WHO, "you").with(Greet.TIMES, 1);
            p.step("explode", new Explode()).with(Explode.WHO, greet.out(Greet.GREETING));
        });

        private Broken() {}
    }

    /** Reads a CSV file by path, as a data-preparation step does; retried twice, as a pipeline may ask. */
    public static final class ReadCsv extends Component {
        public static final Input<String> PATH = input("path", String.class);
        public static final Output<Integer> LINES = output("lines", Integer.class);

        @Override
        protected void run(StepContext ctx) throws Exception {
            ctx.put(LINES, Files.readAllLines(Path.of(ctx.get(PATH))).size());
        }
    }

    public static final class MissingFile {
        public static final Pipeline PIPELINE = Pipeline.named("missing-file")
                .define(p -> p.step("read", new ReadCsv())
                        .with(ReadCsv.PATH, p.param("path", "no/such/file.csv"))
                        .retries(2));

        private MissingFile() {}
    }

    /** Reports the Fermion home a step sees, as publishing and local deployment resolve it. */
    public static final class WhereIsHome extends Component {
        public static final Output<String> HOME = output("home", String.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(HOME, Home.directory().toString());
        }
    }

    public static final class HomeReport {
        public static final Pipeline PIPELINE =
                Pipeline.named("home-report").define(p -> p.step("where", new WhereIsHome()));

        private HomeReport() {}
    }

    /** Reports a loss and an accuracy per epoch and writes a model whose weights depend on the inputs. */
    public static final class Train extends Component {
        public static final Input<Integer> EPOCHS = input("epochs", Integer.class);
        public static final Input<Double> LR = input("lr", Double.class);
        public static final Output<Model> MODEL = output("model", Model.class);
        public static final Output<Double> ACCURACY = output("accuracy", Double.class);

        @Override
        protected void run(StepContext ctx) throws Exception {
            double accuracy = 0;
            for (int epoch = 0; epoch < ctx.get(EPOCHS); epoch++) {
                double loss = 1.0 / (1 + ctx.get(LR) * (epoch + 1));
                accuracy = 1 - loss / 2;
                ctx.metric("loss", loss, epoch);
                ctx.metric("accuracy", accuracy, epoch);
            }
            Model model = ctx.output(MODEL);
            Files.writeString(model.file("weights.txt"), "lr=" + ctx.get(LR) + " epochs=" + ctx.get(EPOCHS) + "\n");
            ctx.put(ACCURACY, accuracy);
        }
    }

    public static final class Evaluate extends Component {
        public static final Input<Model> MODEL = input("model", Model.class);
        public static final Output<Integer> SIZE = output("size", Integer.class);

        @Override
        protected void run(StepContext ctx) throws Exception {
            ctx.put(SIZE, Files.readString(ctx.get(MODEL).file("weights.txt")).length());
        }
    }

    public static final class Tracked {
        public static final Pipeline PIPELINE = Pipeline.named("tracked-sample").define(p -> {
            var epochs = p.param("epochs", 3);
            var lr = p.param("lr", 0.5);
            var train = p.step("train", new Train()).with(Train.EPOCHS, epochs).with(Train.LR, lr);
            p.step("evaluate", new Evaluate()).with(Evaluate.MODEL, train.out(Train.MODEL));
        });

        private Tracked() {}
    }

    /** Fails until the file {@code marker} names exists, so a test decides when a resumed run can pass. */
    public static final class Gate extends Component {
        public static final Input<String> MARKER = input("marker", String.class);
        public static final Output<String> OPENED = output("opened", String.class);

        @Override
        protected void run(StepContext ctx) {
            if (!Files.exists(Path.of(ctx.get(MARKER)))) {
                throw new IllegalStateException("the gate is closed: " + ctx.get(MARKER) + " does not exist");
            }
            ctx.put(OPENED, ctx.get(MARKER));
        }
    }

    public static final class Gated {
        public static final Pipeline PIPELINE = Pipeline.named("gated-sample").define(p -> {
            var marker = p.param("marker", "");
            var train = p.step("train", new Train()).with(Train.EPOCHS, 2).with(Train.LR, 0.1);
            p.step("gate", new Gate()).with(Gate.MARKER, marker).after(train);
        });

        private Gated() {}
    }

    /**
     * Holds its run until the file {@code go} exists in {@code dir}: it first writes the run's id to
     * {@code held}, so a test knows the step is running, then waits on file-system events, not a clock.
     */
    public static final class Hold extends Component {
        public static final Input<String> DIR = input("dir", String.class);
        public static final Output<String> RELEASED = output("released", String.class);

        @Override
        protected void run(StepContext ctx) throws Exception {
            Path dir = Path.of(ctx.get(DIR));
            Path go = dir.resolve("go");
            try (WatchService watch = FileSystems.getDefault().newWatchService()) {
                dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
                Path held = dir.resolve("held.tmp");
                Files.writeString(held, ctx.runId());
                Files.move(held, dir.resolve("held"), StandardCopyOption.ATOMIC_MOVE);
                while (!Files.exists(go)) {
                    WatchKey key = watch.take();
                    key.pollEvents();
                    key.reset();
                }
            }
            ctx.put(RELEASED, "released");
        }
    }

    /** Trains, then holds at {@code held} until released; {@code after} waits for {@code held}. */
    public static final class Held {
        public static final Pipeline PIPELINE = Pipeline.named("held-sample").define(p -> {
            var train = p.step("train", new Train()).with(Train.EPOCHS, 2).with(Train.LR, 0.1);
            var held = p.step("held", new Hold())
                    .with(Hold.DIR, p.param("dir", ""))
                    .after(train);
            p.step("after", new Greet())
                    .with(Greet.WHO, held.out(Hold.RELEASED))
                    .with(Greet.TIMES, 1);
        });

        private Held() {}
    }
}
