package dev.fermion.cli;

import dev.fermion.compiler.CompilerOptions;
import dev.fermion.contract.Home;
import dev.fermion.contract.TrackingEnv;
import dev.fermion.deploy.local.LocalDeployments;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.PipelineCatalog;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.plan.StepOptions;
import dev.fermion.runtime.container.ContainerImages;
import dev.fermion.runtime.container.ContainerRuntime;
import dev.fermion.runtime.local.ClusterVolumes;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.runtime.local.Gpus;
import dev.fermion.runtime.local.Isolation;
import dev.fermion.runtime.local.LocalRunner;
import dev.fermion.runtime.local.ModelRegistration;
import dev.fermion.runtime.local.RunOptions;
import dev.fermion.runtime.local.RunRecord;
import dev.fermion.runtime.local.RunResult;
import dev.fermion.runtime.local.RunSetupException;
import dev.fermion.runtime.local.RunStore;
import dev.fermion.runtime.local.StepRecord;
import dev.fermion.runtime.local.StepStatus;
import dev.fermion.runtime.local.Tracking;
import dev.fermion.runtime.local.TrackingReport;
import dev.fermion.tracking.LocalMlflowServer;
import dev.fermion.tracking.MlflowTracker;
import dev.fermion.tracking.TrackingSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fermion run}. Longer than a command should be because most of it is the command line's own: the
 * options and their help, the errors that name the option and its fix, and what the end of a run prints
 * (failed step's log tail, the command that resumes, MLflow links); how a run goes is the runner's.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run a pipeline on this machine with the semantics it has on Argo.",
            "Prints the run id; on failure, the failing step's last log lines and the command that resumes the run.",
            "With --mlflow (or MLFLOW_TRACKING_URI) the run is also tracked in MLflow: a parent run with a child run",
            "per step, params, metrics, artifacts and models; the end prints its MLflow UI links. See docs/mlflow.md.",
            "Exit codes: 0 the run succeeded, 1 a step or the pipeline failed, 2 bad usage or an invalid pipeline."
        })
final class RunCommand implements Callable<Integer> {
    private static final int LOG_TAIL = 20;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "PIPELINE",
            description = "Pipeline name (see 'fermion list') or defining class; optional with --resume.")
    String pipeline;

    @Mixin
    ParamOptions params;

    @Mixin
    ClasspathOption classpath;

    @Option(
            names = "--isolation",
            paramLabel = "MODE",
            defaultValue = "in-process",
            description = {
                "in-process (fast), process (each step in its own JVM through fermion-step), or container",
                "(each Java step in the runtime image with Docker or Podman, with a pod's paths and user: the",
                "closest to a pod; see --runtime-image). Default: ${DEFAULT-VALUE}."
            })
    String isolation;

    @Option(
            names = "--image",
            paramLabel = "IMAGE=LOCAL",
            description = {
                "Run LOCAL wherever a step names IMAGE, for images this machine cannot pull, e.g.",
                "--image python:3.12-slim=localhost/python:3 (scripts/setup-containers.sh makes that one from",
                "Debian's packages). Repeatable. Images are checked, and pulled when missing, before the first",
                "step; one that is neither here nor pullable stops the run (exit 2) naming it. 'fermion compile",
                "--image' takes the same mapping."
            })
    List<String> images = new ArrayList<>();

    @Option(
            names = "--runtime-image",
            paramLabel = "IMAGE",
            description = {
                "The image Java steps run in with --isolation container (default: the runtime image the",
                "compiler writes, ${DEFAULT-VALUE}, which runtime-image/build.sh builds); --classpath",
                "entries are mounted into it."
            })
    String runtimeImage = CompilerOptions.defaults().image(false);

    @Option(
            names = "--container-runtime",
            paramLabel = "RUNTIME",
            defaultValue = "auto",
            description = {
                "Where container and script steps run: auto (a working docker or podman), docker, podman, or "
                        + "host (run their commands directly on this machine, with the same arguments, environment and file "
                        + "layout; only when you allow it). Default: ${DEFAULT-VALUE}."
            })
    String containerRuntime;

    @Option(
            names = "--kubeconfig",
            paramLabel = "FILE",
            description = "Kubeconfig for Kubernetes-resource steps (default: $KUBECONFIG, else ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--no-cache", description = "Neither reuse nor store cached step results.")
    boolean noCache;

    @Option(
            names = "--resume",
            paramLabel = "RUN_ID",
            description = "Finish an interrupted or failed run; steps that finished keep their results.")
    String resume;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "How many steps run at once (default: the number of cores).")
    Integer parallelism;

    @Option(
            names = "--home",
            paramLabel = "DIR",
            description = "Where runs and the cache live (default: $FERMION_HOME, else ~/.fermion).")
    Path home;

    @Option(
            names = "--mlflow",
            paramLabel = "URI|auto|off",
            description = {
                "Track the run in MLflow: a tracking server URL; auto, a local server under the Fermion home",
                "(started if needed); or off. Default: $MLFLOW_TRACKING_URI when set, else off."
            })
    String mlflow;

    @Option(
            names = "--register-as",
            paramLabel = "NAME[@ALIAS]",
            description = {
                "When the run succeeds, register its model in MLflow's model registry as a new version of NAME",
                "and point ALIAS (e.g. champion) at it. The model is the pipeline's one Model step output,",
                "or the one --register-model names."
            })
    String registerAs;

    @Option(
            names = "--register-model",
            paramLabel = "STEP/OUTPUT",
            description = "The Model output --register-as registers, when the pipeline has several (e.g. train/model).")
    String registerModel;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (home == null) {
            return run();
        }
        // Steps that run in this JVM (publish, deploy) find the home the same way as the runner's own state;
        // the property is put back afterwards for the sake of callers that run several commands in one JVM.
        String previous = System.getProperty(Home.PROPERTY);
        System.setProperty(Home.PROPERTY, home.toAbsolutePath().toString());
        try {
            return run();
        } finally {
            if (previous == null) {
                System.clearProperty(Home.PROPERTY);
            } else {
                System.setProperty(Home.PROPERTY, previous);
            }
        }
    }

    private Integer run() {
        PrintWriter out = spec.commandLine().getOut();
        FermionHome fermionHome = FermionHome.fromEnvironment();
        Isolation mode;
        try {
            mode = Isolation.parse(isolation);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--isolation: " + e.getMessage());
        }
        ContainerRuntime runtime;
        try {
            runtime = ContainerRuntime.parse(containerRuntime);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--container-runtime: " + e.getMessage());
        }
        if (kubeconfig != null && !Files.isRegularFile(kubeconfig)) {
            throw new UsageException("--kubeconfig: " + kubeconfig + " is not a file; give the kubeconfig of the "
                    + "cluster that the pipeline's resource steps act on");
        }
        if (parallelism != null && parallelism < 1) {
            throw new UsageException("--parallelism must be at least 1, got " + parallelism);
        }
        if (pipeline == null && resume == null) {
            throw new UsageException("give the pipeline to run (a name from '" + Invocation.command()
                    + " list' or a class), or --resume RUN_ID");
        }
        RunRecord prior = null;
        String reference = pipeline;
        String extraClasspath = classpath.classpath;
        if (resume != null) {
            if (!params.params.isEmpty()) {
                throw new UsageException(
                        "-p cannot be combined with --resume: a resumed run keeps the parameters it started with");
            }
            prior = load(fermionHome, resume);
            if (reference == null) {
                reference = prior.pipelineRef() != null ? prior.pipelineRef() : prior.pipeline();
            }
            if (extraClasspath == null && !prior.classpath().isEmpty()) {
                extraClasspath = prior.classpath();
            }
        }
        PipelineCatalog catalog = ClasspathOption.catalog(extraClasspath);
        Pipeline resolved = catalog.find(reference);
        ModelRegistration registration = registration(resolved.plan());
        String env = System.getenv(TrackingEnv.URI);
        String tracked = mlflow != null ? mlflow : env == null || env.isBlank() ? null : env;
        boolean off = tracked == null || tracked.equalsIgnoreCase("off");
        if (registration != null && off) {
            throw new UsageException(
                    "--register-as registers the model in MLflow: give --mlflow URI|auto or set " + TrackingEnv.URI);
        }
        URI trackingUri =
                off ? null : trackingUri(tracked, mlflow != null ? "--mlflow" : TrackingEnv.URI, fermionHome, out);
        RunOptions options = RunOptions.defaults()
                .withHome(fermionHome)
                .withIsolation(mode)
                .withCache(!noCache)
                .withClassLoader(catalog.classLoader(), extraClasspath == null ? "" : extraClasspath)
                .withPipelineRef(reference)
                .withContainerRuntime(runtime)
                .withKubeconfig(kubeconfig)
                .withImages(new ContainerImages(ImageOptions.map(images), runtimeImage));
        if (parallelism != null) {
            options = options.withParallelism(parallelism);
        }
        if (trackingUri != null) {
            PrintWriter err = spec.commandLine().getErr();
            options = options.withTracking(
                    Tracking.to(new MlflowTracker(MlflowCommand.trackingOptions(trackingUri, fermionHome.root())))
                            .registering(registration)
                            .warningsTo(warning -> {
                                err.println("fermion: warning: " + warning);
                                err.flush();
                            }));
        }
        List<String> mounts = ClusterVolumes.mountedBy(resolved.plan());
        if (!mounts.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("fermion: warning: local runs do not mount Kubernetes volumes, so these "
                            + "steps see this machine's files there: " + String.join("; ", mounts));
        }
        List<String> gpus = Gpus.askedFor(resolved.plan());
        if (!gpus.isEmpty() && !Gpus.present()) {
            spec.commandLine()
                    .getErr()
                    .println("fermion: warning: this machine has no GPU, so these steps run on the CPU: "
                            + String.join("; ", gpus));
        }
        RunResult result;
        try (LiveView view = new LiveView(out, interactive())) {
            LocalRunner runner = new LocalRunner(options.withListener(view));
            result = prior != null
                    ? runner.resume(prior.runId(), resolved.plan())
                    : runner.run(resolved.plan(), params.asMap());
        } catch (RunSetupException e) {
            throw new UsageException(e.getMessage(), e);
        }
        int exit = report(result, resolved.plan(), out);
        stopLocalEndpoints(fermionHome, result.runId(), resolved.plan(), out);
        if (result.tracking() != null) {
            reportTracking(result.tracking(), trackingUri, out);
        }
        return exit;
    }

    /**
     * The server {@code choice} (a URL or {@code auto}, from {@code source}) names; null when a local server
     * cannot start, which costs the tracking, not the run.
     */
    private URI trackingUri(String choice, String source, FermionHome fermionHome, PrintWriter out) {
        if (!choice.equalsIgnoreCase("auto")) {
            return MlflowCommand.parse(choice, source);
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("Starting the local MLflow server of " + fermionHome.root()
                + " (the first start installs mlflow, which takes a minute)...");
        err.flush();
        try {
            URI uri = LocalMlflowServer.of(fermionHome.root()).start();
            out.println("MLflow UI: " + uri);
            out.flush();
            return uri;
        } catch (IllegalStateException | UncheckedIOException e) {
            err.println("fermion: warning: no local MLflow server (" + e.getMessage()
                    + "); the run is recorded locally only");
            err.flush();
            return null;
        }
    }

    /** The model {@code --register-as} registers, checked before anything runs; null when none. */
    private ModelRegistration registration(Plan plan) {
        if (registerAs == null) {
            if (registerModel != null) {
                throw new UsageException(
                        "--register-model names the model --register-as registers; give --register-as NAME[@ALIAS]");
            }
            return null;
        }
        int at = registerAs.indexOf('@');
        String name = (at < 0 ? registerAs : registerAs.substring(0, at)).trim();
        String alias = at < 0 ? null : registerAs.substring(at + 1).trim();
        if (name.isEmpty() || (alias != null && alias.isEmpty())) {
            throw new UsageException("--register-as expects NAME or NAME@ALIAS, got '" + registerAs + "'");
        }
        List<String> models = ModelRegistration.modelOutputs(plan);
        String chosen = registerModel;
        if (chosen == null) {
            if (models.size() != 1) {
                throw new UsageException(
                        models.isEmpty()
                                ? "--register-as: pipeline " + plan.name()
                                        + " has no step with a Model output to register"
                                : "--register-as: pipeline " + plan.name() + " has several Model outputs " + models
                                        + "; choose one with --register-model STEP/OUTPUT");
            }
            chosen = models.get(0);
        } else if (!models.contains(chosen)) {
            throw new UsageException("--register-model " + chosen + ": pipeline " + plan.name()
                    + " has no such Model output; its Model outputs are " + models);
        }
        return ModelRegistration.of(plan, chosen, name, alias);
    }

    private void reportTracking(TrackingReport tracking, URI uri, PrintWriter out) {
        PrintWriter err = spec.commandLine().getErr();
        ModelRegistration registration = tracking.registration();
        boolean waiting = tracking.summary() != null && !tracking.summary().complete();
        if (registration != null && tracking.notRegistered() != null && !waiting) {
            err.println("fermion: model " + registration.model() + " not registered: " + tracking.notRegistered());
        }
        TrackingSummary summary = tracking.summary();
        if (summary == null) {
            err.flush();
            return;
        }
        if (summary.links().run() != null) {
            out.println("MLflow run: " + summary.links().run());
        }
        new TreeMap<>(summary.links().models())
                .forEach((model, link) -> out.println("MLflow model " + model + ": " + link));
        if (tracking.registered()) {
            out.println("Registered model " + registration.model() + " as " + registration.name()
                    + (registration.alias() != null ? "@" + registration.alias() : ""));
        }
        out.flush();
        if (summary.spooled() > 0) {
            err.println("fermion: MLflow at " + uri + " was unavailable: " + summary.spooled() + " tracking operation"
                    + (summary.spooled() == 1 ? " waits" : "s wait") + " in " + summary.spoolDir() + ".");
            err.println("Send them when it is back: " + Invocation.command() + " mlflow sync --mlflow " + uri
                    + homeOption());
        }
        if (summary.rejected() > 0) {
            err.println("fermion: warning: MLflow rejected " + summary.rejected() + " tracking operation"
                    + (summary.rejected() == 1 ? "" : "s") + "; the warnings above say why");
        }
        err.flush();
    }

    /** Local endpoints a run started live as long as the run, unless their deploy step asked to keep running. */
    private void stopLocalEndpoints(FermionHome home, String runId, Plan plan, PrintWriter out) {
        List<String> stopped = new LocalDeployments(home.root()).stopStartedBy(runId);
        if (!stopped.isEmpty()) {
            out.println("Stopped the local endpoints this run started: " + String.join(", ", stopped) + "; "
                    + KeepRunningHint.of(plan, resume != null ? null : commandWords()));
            out.flush();
        }
    }

    /** The words of this command after the program's name, as typed: {@code run iris -p epochs=50}. */
    private List<String> commandWords() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        int run = args.indexOf(spec.name());
        return args.subList(Math.max(run, 0), args.size());
    }

    private String homeOption() {
        return home != null ? " --home " + Invocation.quote(home.toString()) : "";
    }

    private static RunRecord load(FermionHome home, String runId) {
        try {
            return new RunStore(home).load(runId);
        } catch (RunSetupException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    private int report(RunResult result, Plan plan, PrintWriter out) {
        RunRecord run = result.record();
        long cached = run.steps().values().stream().filter(StepRecord::cacheHit).count();
        long steps = run.steps().values().stream()
                .filter(s -> StepRecord.STEP.equals(s.kind()))
                .count();
        out.printf(
                "Run %s %s in %s (%d steps, %d cached)%n",
                run.runId(),
                run.status().workflowStatus().toLowerCase(Locale.ROOT),
                LiveView.format(run.duration(Instant.now())),
                steps,
                cached);
        if (cached > 0) {
            // When most of a run came from the cache, say why the rest ran: a user expects a re-run to do nothing.
            Set<String> uncached = uncachedSteps(plan);
            List<String> ran = run.stepsInOrder().stream()
                    .filter(s -> StepRecord.STEP.equals(s.kind())
                            && !s.cacheHit()
                            && !s.resumed()
                            && !s.attempts().isEmpty())
                    .map(s -> s.path()
                            + (uncached.contains(s.step())
                                    ? " (never cached: it acts outside the pipeline, mounts a claim writable, or asks noCache())"
                                    : " (its inputs or code changed)"))
                    .toList();
            if (!ran.isEmpty()) {
                out.println("Ran: " + String.join("; ", ran));
            }
        }
        if (!run.results().isEmpty()) {
            StringBuilder results = new StringBuilder("Results:");
            run.results()
                    .forEach((name, value) -> results.append(' ')
                            .append(name)
                            .append(" = ")
                            .append(value)
                            .append(';'));
            out.println(results.substring(0, results.length() - 1));
        }
        if (result.succeeded()) {
            out.println("Outputs, logs and artifacts: " + Invocation.command() + " runs show " + run.runId()
                    + homeOption());
            out.flush();
            return FermionCli.OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        Optional<StepRecord> failedStep = run.stepsInOrder().stream()
                .filter(s -> StepRecord.STEP.equals(s.kind())
                        && (s.status() == StepStatus.FAILED || s.status() == StepStatus.ERROR))
                .findFirst();
        boolean badInput = failedStep
                .map(s -> !s.attempts().isEmpty()
                        && s.attempts().get(s.attempts().size() - 1).badInput())
                .orElse(false);
        if (failedStep.isPresent()) {
            StepRecord failed = failedStep.get();
            err.println("Step '" + failed.path() + "' " + failed.status().name().toLowerCase(Locale.ROOT) + ": "
                    + failed.message());
            if (badInput) {
                // The message says what to fix; the stack trace would only bury it, and stays in the log.
                err.println("Its log: " + failed.logFile());
            } else if (failed.logFile() != null) {
                err.println("Last lines of its log (" + failed.logFile() + "):");
                tail(Path.of(failed.logFile())).forEach(line -> err.println("  | " + line));
            }
        } else if (run.message() != null) {
            err.println("fermion: " + run.message());
        }
        if (badInput) {
            err.println("Retrying cannot help: fix the input and run again.");
        } else {
            err.println("Resume with: " + Invocation.command() + " run --resume " + run.runId() + homeOption());
        }
        err.flush();
        out.flush();
        return FermionCli.FAILED;
    }

    /** The names of the plan's steps whose caching is off, by their nature or their options. */
    private static Set<String> uncachedSteps(Plan plan) {
        Set<String> names = new java.util.HashSet<>();
        for (Node node : plan.allNodes()) {
            // a resource step has no options of its own and is never cached
            if (node.isStep()
                    && !node.podOptions().map(StepOptions::cachingEnabled).orElse(false)) {
                names.add(node.name());
            }
        }
        return names;
    }

    private static List<String> tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return lines.subList(Math.max(0, lines.size() - LOG_TAIL), lines.size());
        } catch (IOException e) {
            return List.of("(cannot read the log: " + e.getMessage() + ")");
        }
    }

    /**
     * Whether the output is a terminal, where the live view may redraw. From JDK 22 a console exists even when
     * output is piped, and only {@code Console.isTerminal()} (not in Java 17's API) tells; before that, the
     * console exists only for a terminal.
     */
    @SuppressWarnings("SystemConsoleNull") // handled: isTerminal() is asked where it exists
    private static boolean interactive() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
