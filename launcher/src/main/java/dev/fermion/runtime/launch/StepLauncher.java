package dev.fermion.runtime.launch;

import dev.fermion.contract.Home;
import dev.fermion.contract.LaunchSpec;
import dev.fermion.contract.TrackingEnv;
import dev.fermion.contract.ValueCodec;
import dev.fermion.dsl.BadInputException;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Definition;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.SourceDataset;
import dev.fermion.tracking.PodTracker;
import dev.fermion.tracking.StepOutcome;
import dev.fermion.tracking.TrackingSummary;
import dev.fermion.types.Model;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code fermion-step}: the entry point of every step, in a pod and in a local process alike. It parses the
 * {@link LaunchSpec} arguments, creates the component, decodes its inputs, runs it, and writes its outputs
 * (parameter files, artifact directories with their {@code .digest}, metrics). Exit codes: 0 the step
 * succeeded, 1 the step failed, 2 the launcher was started wrongly (arguments, class, values), 3 the step's
 * inputs or data cannot be used ({@link BadInputException}, a missing file); after 2 and 3 no retry can
 * succeed, and neither the runner nor the compiled workflow retries. In a pod of a
 * workflow compiled with MLflow settings it also records the step into the workflow's MLflow run, which
 * never changes the exit code.
 *
 * <p>Kept in one class, though long, because the launch is one sequence whose order is the contract
 * (decode, run, write outputs, digests, then track) and every pod and local process follows it line by line.
 */
public final class StepLauncher {
    public static final int OK = LaunchSpec.EXIT_OK;
    public static final int STEP_FAILED = LaunchSpec.EXIT_STEP_FAILED;
    public static final int USAGE = LaunchSpec.EXIT_USAGE;
    public static final int BAD_INPUT = LaunchSpec.EXIT_BAD_INPUT;
    public static final String FINISH_TRACKING = "--finish-tracking";
    /**
     * First argument of the source-digest mode, {@code --source-digest FILE <launch arguments>}: writes the
     * component's {@code sourceDigest} for these inputs to FILE (empty when it reads no sources) and runs nothing.
     */
    public static final String SOURCE_DIGEST = LaunchSpec.SOURCE_DIGEST_FLAG;

    private StepLauncher() {}

    public static void main(String[] args) {
        System.exit(run(
                Arrays.asList(args),
                Thread.currentThread().getContextClassLoader(),
                System.out,
                System.err,
                System.getenv(),
                Home.directory()));
    }

    /** Runs the launcher as its command line does and returns the exit code; failures are one line on {@code err}. */
    public static int run(List<String> args, ClassLoader loader, PrintStream out, PrintStream err) {
        return run(args, loader, out, err, Map.of(), null);
    }

    /**
     * Like {@link #run(List, ClassLoader, PrintStream, PrintStream)}, and when {@code env} carries the tracking
     * settings of a compiled workflow ({@link PodTracker#fromEnv}), records the step into the workflow's MLflow
     * run, spooling under {@code fermionHome} what MLflow does not take. With {@link #FINISH_TRACKING} as
     * first argument ({@code --finish-tracking PIPELINE WORKFLOW_STATUS [STEP=WORKFLOW_UID...]}, the exit
     * handler's finaliser) it only records the steps other workflows ran (cache hits) and ends the parent run.
     */
    public static int run(
            List<String> args,
            ClassLoader loader,
            PrintStream out,
            PrintStream err,
            Map<String, String> env,
            Path fermionHome) {
        if (!args.isEmpty() && args.get(0).equals(FINISH_TRACKING)) {
            return finishTracking(args, err, env, fermionHome);
        }
        if (!args.isEmpty() && args.get(0).equals(SOURCE_DIGEST)) {
            return writeSourceDigest(args, loader, err);
        }
        LaunchSpec spec;
        try {
            spec = LaunchSpec.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("fermion-step: " + e.getMessage());
            return USAGE;
        }
        Optional<PodTracker> tracker = tracker(env, spec.pipeline(), fermionHome, err);
        Optional<PodTracker.StepRun> tracked = tracker.flatMap(t -> startStepTracking(t, spec, err));
        MetricListener metrics = tracked.<MetricListener>map(run -> new MetricListener() {
                    @Override
                    public void metric(String key, double value, long step, long timestampMillis) {
                        run.metric(key, value, step, timestampMillis);
                    }

                    @Override
                    public void source(SourceDataset dataset) {
                        run.source(dataset);
                    }
                })
                .orElse(MetricListener.NONE);
        try {
            launch(spec, loader, out, null, metrics);
            tracked.ifPresent(run -> endStepTracking(run, spec, loader, StepOutcome.SUCCEEDED, err));
            if (tracker.isPresent()) {
                writeTrackedRun(env, err);
            }
            return OK;
        } catch (StepFailure failure) {
            tracked.ifPresent(run -> endStepTracking(run, spec, loader, StepOutcome.FAILED, err));
            err.println("fermion-step: " + failure.getMessage());
            err.flush();
            return failure.exitCode();
        }
    }

    private static int writeSourceDigest(List<String> args, ClassLoader loader, PrintStream err) {
        if (args.size() < 2) {
            err.println("fermion-step: usage: " + SOURCE_DIGEST + " FILE --component CLASS ...");
            return USAGE;
        }
        try {
            LaunchSpec spec = LaunchSpec.parse(args.subList(2, args.size()));
            Path file = Path.of(args.get(1));
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, sourceDigest(spec, loader).orElse(""), StandardCharsets.UTF_8);
            return OK;
        } catch (IllegalArgumentException e) {
            err.println("fermion-step: " + e.getMessage());
            return USAGE;
        } catch (IOException e) {
            err.println("fermion-step: cannot write the source digest to " + args.get(1) + ": " + e.getMessage());
            return STEP_FAILED;
        } catch (StepFailure failure) {
            err.println("fermion-step: " + failure.getMessage());
            return failure.exitCode();
        }
    }

    /**
     * The component's digest of the data it would read from outside the pipeline with these inputs
     * ({@code Component#sourceDigest}), for its cache key; empty when it reads none.
     */
    public static Optional<String> sourceDigest(LaunchSpec spec, ClassLoader loader) throws StepFailure {
        Class<? extends Definition> type = definitionClass(spec, loader, false);
        DecodedInputs inputs =
                new DecodedInputs(spec, Definition.ports(type), decodeInputs(spec, Definition.ports(type)));
        Component component = instantiate(spec, type.asSubclass(Component.class));
        try {
            return component.digestSources(inputs);
        } catch (Exception | LinkageError e) {
            Optional<Throwable> badInput = badInput(e);
            if (badInput.isPresent()) {
                throw new StepFailure(
                        BAD_INPUT,
                        "step '" + spec.step() + "' (" + simpleName(spec.component()) + ") cannot read its source: "
                                + badInput.get().getMessage(),
                        e);
            }
            throw new StepFailure(
                    STEP_FAILED,
                    "step '" + spec.step() + "' (" + simpleName(spec.component()) + ") could not digest its source: "
                            + describe(e),
                    e);
        }
    }

    /**
     * Writes the workflow's uid where the compiled workflow expects it ({@link TrackingEnv#TRACKED_RUN_FILE}), so
     * a later workflow whose cache hit reuses this step's outputs can say which run made them. Never fails the step.
     */
    private static void writeTrackedRun(Map<String, String> env, PrintStream err) {
        String file = env.get(TrackingEnv.TRACKED_RUN_FILE);
        if (file == null || file.isBlank()) {
            return;
        }
        try {
            Files.writeString(Path.of(file), env.get(TrackingEnv.WORKFLOW_UID), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            err.println("fermion-step: warning: a later cache hit of this step will not name this run in MLflow: "
                    + "cannot write " + file + ": " + e.getMessage());
        }
    }

    private static int finishTracking(List<String> args, PrintStream err, Map<String, String> env, Path fermionHome) {
        if (args.size() < 3) {
            err.println("fermion-step: usage: " + FINISH_TRACKING + " PIPELINE WORKFLOW_STATUS [STEP=WORKFLOW_UID...]");
            return USAGE;
        }
        Map<String, String> ranIn = new LinkedHashMap<>();
        for (String pair : args.subList(3, args.size())) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                err.println("fermion-step: " + FINISH_TRACKING + " expects STEP=WORKFLOW_UID after the status, got '"
                        + pair + "'");
                return USAGE;
            }
            ranIn.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        Optional<PodTracker> tracker;
        try {
            tracker = PodTracker.fromEnv(env, args.get(1), fermionHome);
        } catch (IllegalArgumentException e) {
            err.println("fermion-step: warning: could not end the MLflow run: " + e.getMessage());
            return OK;
        }
        if (tracker.isEmpty()) {
            err.println("fermion-step: " + FINISH_TRACKING + " needs " + TrackingEnv.URI + " and "
                    + TrackingEnv.WORKFLOW_UID + " in the environment");
            return USAGE;
        }
        try {
            report(tracker.get().finish(args.get(1), args.get(2), ranIn), err);
        } catch (RuntimeException e) {
            // The workflow's outcome is already decided; a tracking failure must not turn it into an error.
            err.println("fermion-step: warning: could not end the MLflow run: " + e.getMessage());
        }
        return OK;
    }

    /** The workflow's tracker; settings it cannot use are a warning, and the step runs untracked. */
    private static Optional<PodTracker> tracker(
            Map<String, String> env, String pipeline, Path fermionHome, PrintStream err) {
        try {
            return PodTracker.fromEnv(env, pipeline, fermionHome);
        } catch (IllegalArgumentException e) {
            err.println("fermion-step: warning: not tracking this step in MLflow: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Tracking never changes the step's result: any failure of it is a warning, and the step runs untracked. */
    private static Optional<PodTracker.StepRun> startStepTracking(
            PodTracker tracker, LaunchSpec spec, PrintStream err) {
        try {
            return Optional.of(tracker.startStep(spec.pipeline(), spec.step(), spec.component(), spec.params()));
        } catch (RuntimeException | LinkageError e) {
            err.println(
                    "fermion-step: warning: could not record step '" + spec.step() + "' in MLflow: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static void endStepTracking(
            PodTracker.StepRun run, LaunchSpec spec, ClassLoader loader, StepOutcome outcome, PrintStream err) {
        try {
            report(run.finish(models(spec, loader), outcome), err);
        } catch (RuntimeException | LinkageError e) {
            err.println(
                    "fermion-step: warning: could not record step '" + spec.step() + "' in MLflow: " + e.getMessage());
        }
    }

    private static void report(TrackingSummary summary, PrintStream err) {
        if (!summary.complete()) {
            err.println("fermion-step: warning: MLflow did not take " + (summary.spooled() + summary.rejected())
                    + " tracking operation(s); " + summary.spooled() + " spooled to " + summary.spoolDir()
                    + " (lost with the pod unless that directory is on a volume)");
        }
    }

    private static Map<String, Path> models(LaunchSpec spec, ClassLoader loader) {
        Map<String, Path> models = new LinkedHashMap<>();
        Definition.Ports ports;
        try {
            ports = Definition.ports(definitionClass(spec, loader, false));
        } catch (StepFailure e) {
            return models;
        }
        spec.outputArtifacts()
                .forEach((name, dir) -> ports.output(name)
                        .filter(o -> Model.class.isAssignableFrom(o.type().rawType()))
                        .ifPresent(o -> models.put(name, Path.of(dir))));
        return models;
    }

    /**
     * Runs one attempt of a step. {@code body} replaces the component's {@code run} when not null (test
     * doubles); everything else, decoding and output checks included, is the same.
     */
    public static void launch(LaunchSpec spec, ClassLoader loader, PrintStream log, StepBody body) throws StepFailure {
        launch(spec, loader, log, body, MetricListener.NONE);
    }

    /** As {@link #launch(LaunchSpec, ClassLoader, PrintStream, StepBody)}, telling {@code metrics} of each metric. */
    public static void launch(
            LaunchSpec spec, ClassLoader loader, PrintStream log, StepBody body, MetricListener metrics)
            throws StepFailure {
        Class<? extends Definition> type = definitionClass(spec, loader, body != null);
        Definition.Ports ports = Definition.ports(type);
        DecodedInputs inputs = new DecodedInputs(spec, ports, decodeInputs(spec, ports));
        checkOutputs(spec, ports);
        createArtifactDirs(spec);
        StepBody effective = body != null ? body : instantiate(spec, type.asSubclass(Component.class))::execute;
        LaunchContext ctx = new LaunchContext(spec, ports, inputs, log, metrics);
        try {
            effective.run(ctx);
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            Throwable shown = e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
            shown.printStackTrace(log);
            log.flush();
            Optional<Throwable> badInput = badInput(shown);
            if (badInput.isPresent()) {
                throw new StepFailure(
                        BAD_INPUT,
                        "step '" + spec.step() + "' (" + simpleName(spec.component()) + ") cannot use its input: "
                                + badInput.get().getMessage(),
                        shown);
            }
            throw new StepFailure(
                    STEP_FAILED,
                    "step '" + spec.step() + "' (" + simpleName(spec.component()) + ") failed: " + describe(shown),
                    shown);
        } finally {
            ctx.close();
        }
        writeOutputs(spec, ports, ctx.outputs());
    }

    /**
     * The step's definition class: a Component the launcher runs, or, when a test double runs in its place,
     * any definition (a container or resource step too), which then only lends its ports.
     */
    private static Class<? extends Definition> definitionClass(LaunchSpec spec, ClassLoader loader, boolean replaced)
            throws StepFailure {
        Class<?> type;
        try {
            type = Class.forName(spec.component(), true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new StepFailure(
                    USAGE,
                    "component class " + spec.component() + " of step '" + spec.step()
                            + "' is not on the classpath: put the jar that contains it on the launcher's classpath",
                    e);
        }
        Class<?> required = replaced ? Definition.class : Component.class;
        if (!required.isAssignableFrom(type)) {
            throw new StepFailure(
                    USAGE,
                    spec.component() + " (step '" + spec.step() + "') is not a Component: "
                            + "the launcher runs classes that extend dev.fermion.dsl.Component");
        }
        return type.asSubclass(Definition.class);
    }

    private static Component instantiate(LaunchSpec spec, Class<? extends Component> type) throws StepFailure {
        try {
            return type.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new StepFailure(
                    STEP_FAILED,
                    "creating " + type.getName() + " for step '" + spec.step() + "' failed: " + describe(e.getCause()),
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new StepFailure(
                    USAGE,
                    "cannot create " + type.getName() + " for step '" + spec.step()
                            + "': it needs a public no-argument constructor",
                    e);
        }
    }

    private static Map<String, Object> decodeInputs(LaunchSpec spec, Definition.Ports ports) throws StepFailure {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> param : spec.params().entrySet()) {
            Input<?> input = input(spec, ports, param.getKey(), "--param");
            if (input.type().isArtifact()) {
                throw new StepFailure(
                        USAGE,
                        "input '" + input.name() + "' of step '" + spec.step() + "' is an artifact ("
                                + input.type().displayName() + "): pass it with --input " + input.name()
                                + "=DIR, not --param");
            }
            try {
                // Values reach the launcher in their transport form; armour is removed here and nowhere else.
                values.put(input.name(), ValueCodec.decode(input.type(), ValueCodec.disarm(param.getValue())));
            } catch (IllegalArgumentException e) {
                throw new StepFailure(
                        USAGE,
                        "input '" + input.name() + "' of step '" + spec.step() + "' expects "
                                + input.type().displayName() + ": " + e.getMessage(),
                        e);
            }
        }
        for (Map.Entry<String, String> artifact : spec.inputArtifacts().entrySet()) {
            Input<?> input = input(spec, ports, artifact.getKey(), "--input");
            if (!input.type().isArtifact()) {
                throw new StepFailure(
                        USAGE,
                        "input '" + input.name() + "' of step '" + spec.step() + "' is a parameter ("
                                + input.type().displayName() + "): pass it with --param " + input.name()
                                + "=VALUE, not --input");
            }
            Path dir = Path.of(artifact.getValue());
            if (!Files.isDirectory(dir)) {
                throw new StepFailure(
                        USAGE,
                        "input artifact '" + input.name() + "' of step '" + spec.step()
                                + "' should be a directory, but " + dir + " is not one");
            }
            values.put(input.name(), Artifacts.of(input.type(), dir));
        }
        for (Input<?> input : ports.inputs()) {
            if (input.isRequired() && !values.containsKey(input.name())) {
                throw new StepFailure(
                        USAGE,
                        "input '" + input.name() + "' (" + input.type().displayName() + ") of step '"
                                + spec.step() + "' has no value and no default: pass "
                                + (input.type().isArtifact()
                                        ? "--input " + input.name() + "=DIR"
                                        : "--param " + input.name() + "=VALUE"));
            }
        }
        return values;
    }

    private static Input<?> input(LaunchSpec spec, Definition.Ports ports, String name, String flag)
            throws StepFailure {
        return ports.input(name)
                .orElseThrow(() -> new StepFailure(
                        USAGE,
                        flag + " " + name + ": step '" + spec.step()
                                + "' (" + simpleName(spec.component()) + ") has no input '" + name
                                + "'; its inputs are "
                                + ports.inputs().stream().map(Input::name).toList()));
    }

    private static void checkOutputs(LaunchSpec spec, Definition.Ports ports) throws StepFailure {
        for (String name : spec.outputParams().keySet()) {
            String port = name.endsWith(LaunchSpec.DIGEST_SUFFIX)
                    ? name.substring(0, name.length() - LaunchSpec.DIGEST_SUFFIX.length())
                    : name;
            Output<?> output = output(spec, ports, port, "--output-param");
            if (output.type().isArtifact() && port.equals(name)) {
                throw new StepFailure(
                        USAGE,
                        "--output-param " + name + ": output '" + name + "' of step '" + spec.step()
                                + "' is an artifact; pass it with --output-artifact " + name + "=DIR");
            }
        }
        for (String name : spec.outputArtifacts().keySet()) {
            Output<?> output = output(spec, ports, name, "--output-artifact");
            if (!output.type().isArtifact()) {
                throw new StepFailure(
                        USAGE,
                        "--output-artifact " + name + ": output '" + name + "' of step '" + spec.step()
                                + "' is a parameter (" + output.type().displayName() + "); pass it with --output-param "
                                + name + "=FILE");
            }
        }
    }

    private static Output<?> output(LaunchSpec spec, Definition.Ports ports, String name, String flag)
            throws StepFailure {
        return ports.output(name)
                .orElseThrow(() -> new StepFailure(
                        USAGE,
                        flag + " " + name + ": step '" + spec.step()
                                + "' (" + simpleName(spec.component()) + ") has no output '" + name
                                + "'; its outputs are "
                                + ports.outputs().stream().map(Output::name).toList()));
    }

    private static void createArtifactDirs(LaunchSpec spec) throws StepFailure {
        for (Map.Entry<String, String> artifact : spec.outputArtifacts().entrySet()) {
            try {
                Files.createDirectories(Path.of(artifact.getValue()));
            } catch (IOException e) {
                throw new StepFailure(
                        USAGE,
                        "cannot create the directory " + artifact.getValue() + " for output '" + artifact.getKey()
                                + "' of step '" + spec.step() + "': " + e.getMessage(),
                        e);
            }
        }
    }

    private static void writeOutputs(LaunchSpec spec, Definition.Ports ports, Map<String, Object> values)
            throws StepFailure {
        for (Output<?> output : ports.outputs()) {
            if (!output.type().isArtifact() && !values.containsKey(output.name())) {
                throw new StepFailure(
                        STEP_FAILED,
                        "step '" + spec.step() + "' did not set output '" + output.name() + "' ("
                                + output.type().displayName() + "): call ctx.put(" + simpleName(spec.component()) + "."
                                + LaunchContext.constant(output.name()) + ", value) before run() returns");
            }
        }
        for (Map.Entry<String, String> file : spec.outputParams().entrySet()) {
            Object value = values.get(file.getKey());
            if (value == null) {
                continue;
            }
            Output<?> output = ports.output(file.getKey()).orElseThrow();
            String encoded;
            try {
                encoded = ValueCodec.armour(ValueCodec.encode(output.type(), value));
            } catch (IllegalArgumentException e) {
                throw new StepFailure(
                        STEP_FAILED,
                        "output '" + output.name() + "' of step '" + spec.step() + "' cannot be written as "
                                + output.type().displayName() + ": " + e.getMessage(),
                        e);
            }
            write(spec, Path.of(file.getValue()), encoded, "output '" + output.name() + "'");
        }
        for (Map.Entry<String, String> artifact : spec.outputArtifacts().entrySet()) {
            Path dir = Path.of(artifact.getValue());
            String digest = ContentDigest.of(dir);
            write(
                    spec,
                    digestFile(spec, artifact.getKey()),
                    digest,
                    "the digest of output '" + artifact.getKey() + "'");
        }
    }

    /**
     * Where the content digest of output artifact {@code name} goes: next to the parameter output files, or,
     * for a step without parameter outputs, in the {@code params} directory beside the artifacts directory
     * (the pod layout {@link LaunchSpec#OUTPUT_PARAMS}).
     */
    public static Path digestFile(LaunchSpec spec, String name) {
        String explicit = spec.outputParams().get(name + LaunchSpec.DIGEST_SUFFIX);
        if (explicit != null) {
            return Path.of(explicit);
        }
        Path dir = spec.outputParams().values().stream()
                .map(p -> Path.of(p).toAbsolutePath().getParent())
                .findFirst()
                .orElseGet(() -> Path.of(spec.outputArtifacts().get(name))
                        .toAbsolutePath()
                        .getParent()
                        .resolveSibling("params"));
        return dir.resolve(name + LaunchSpec.DIGEST_SUFFIX);
    }

    private static void write(LaunchSpec spec, Path file, String text, String what) throws StepFailure {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StepFailure(
                    USAGE,
                    "cannot write " + what + " of step '" + spec.step() + "' to " + file + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * The cause that makes a failure final: a {@link BadInputException} or a missing file, possibly wrapped
     * (Beam and DJL wrap what a step's code throws).
     */
    private static Optional<Throwable> badInput(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BadInputException) {
                return Optional.of(t);
            }
            if (t instanceof NoSuchFileException || t instanceof FileNotFoundException) {
                return Optional.of(new BadInputException("no such file: " + t.getMessage()));
            }
        }
        return Optional.empty();
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        String first = message == null ? "" : message.lines().findFirst().orElse("");
        return t.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
    }
}
