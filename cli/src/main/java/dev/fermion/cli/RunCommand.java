package dev.fermion.cli;

import dev.fermion.dsl.Pipeline;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.runtime.local.Isolation;
import dev.fermion.runtime.local.LocalRunner;
import dev.fermion.runtime.local.RunOptions;
import dev.fermion.runtime.local.RunRecord;
import dev.fermion.runtime.local.RunResult;
import dev.fermion.runtime.local.RunSetupException;
import dev.fermion.runtime.local.RunStore;
import dev.fermion.runtime.local.StepRecord;
import dev.fermion.runtime.local.StepStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a pipeline on this machine with the semantics it has on Argo.",
                "Prints the run id; on failure, the failing step's last log lines and the command that resumes the run.",
                "Exit codes: 0 the run succeeded, 1 a step or the pipeline failed, 2 bad usage or an invalid pipeline."})
final class RunCommand implements Callable<Integer> {
    private static final int LOG_TAIL = 20;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PIPELINE",
            description = "Pipeline name (see 'fermion list') or defining class; optional with --resume.")
    String pipeline;

    @Mixin
    ParamOptions params;

    @Mixin
    ClasspathOption classpath;

    @Option(names = "--isolation", paramLabel = "MODE", defaultValue = "in-process",
            description = "in-process (fast) or process (each step in its own JVM, as in a pod). Default: ${DEFAULT-VALUE}.")
    String isolation;

    @Option(names = "--no-cache", description = "Neither reuse nor store cached step results.")
    boolean noCache;

    @Option(names = "--resume", paramLabel = "RUN_ID",
            description = "Finish an interrupted or failed run; steps that finished keep their results.")
    String resume;

    @Option(names = "--parallelism", paramLabel = "N", description = "How many steps run at once (default: the number of cores).")
    Integer parallelism;

    @Option(names = "--home", paramLabel = "DIR",
            description = "Where runs and the cache live (default: $FERMION_HOME, else ~/.fermion).")
    Path home;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        FermionHome fermionHome = home != null ? new FermionHome(home) : FermionHome.fromEnvironment();
        Isolation mode;
        try {
            mode = Isolation.parse(isolation);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--isolation: " + e.getMessage());
        }
        if (parallelism != null && parallelism < 1) {
            throw new UsageException("--parallelism must be at least 1, got " + parallelism);
        }
        if (pipeline == null && resume == null) {
            throw new UsageException("give the pipeline to run (a name from 'fermion list' or a class), or --resume RUN_ID");
        }
        RunRecord prior = null;
        String reference = pipeline;
        String extraClasspath = classpath.classpath;
        if (resume != null) {
            if (!params.params.isEmpty()) {
                throw new UsageException("-p cannot be combined with --resume: a resumed run keeps the parameters it started with");
            }
            prior = load(fermionHome, resume);
            if (reference == null) {
                reference = prior.pipelineRef() != null ? prior.pipelineRef() : prior.pipeline();
            }
            if (extraClasspath == null && !prior.classpath().isEmpty()) {
                extraClasspath = prior.classpath();
            }
        }
        PipelineCatalog catalog = PipelineCatalog.withClasspath(extraClasspath);
        Thread.currentThread().setContextClassLoader(catalog.classLoader());
        Pipeline resolved = catalog.find(reference);
        RunOptions options = RunOptions.defaults()
                .withHome(fermionHome)
                .withIsolation(mode)
                .withCache(!noCache)
                .withClassLoader(catalog.classLoader(), extraClasspath == null ? "" : extraClasspath)
                .withPipelineRef(reference);
        if (parallelism != null) {
            options = options.withParallelism(parallelism);
        }
        RunResult result;
        try (LiveView view = new LiveView(out, System.console() != null)) {
            LocalRunner runner = new LocalRunner(options.withListener(view));
            result = prior != null ? runner.resume(prior.runId(), resolved.plan())
                    : runner.run(resolved.plan(), params.asMap());
        } catch (RunSetupException e) {
            throw new UsageException(e.getMessage(), e);
        }
        return report(result, out);
    }

    private static RunRecord load(FermionHome home, String runId) {
        try {
            return new RunStore(home).load(runId);
        } catch (RunSetupException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    private int report(RunResult result, PrintWriter out) {
        RunRecord run = result.record();
        long cached = run.steps().values().stream().filter(StepRecord::cacheHit).count();
        long steps = run.steps().values().stream().filter(s -> StepRecord.STEP.equals(s.kind())).count();
        out.printf("Run %s %s in %s (%d steps, %d cached)%n", run.runId(), run.status().workflowStatus().toLowerCase(Locale.ROOT),
                LiveView.format(run.duration(Instant.now())), steps, cached);
        if (result.succeeded()) {
            out.println("Outputs, logs and artifacts: fermion runs show " + run.runId() + (home != null ? " --home " + home : ""));
            out.flush();
            return FermionCli.OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        Optional<StepRecord> failedStep = run.stepsInOrder().stream()
                .filter(s -> StepRecord.STEP.equals(s.kind()) && (s.status() == StepStatus.FAILED || s.status() == StepStatus.ERROR))
                .findFirst();
        if (failedStep.isPresent()) {
            StepRecord failed = failedStep.get();
            err.println("Step '" + failed.path() + "' " + failed.status().name().toLowerCase(Locale.ROOT) + ": " + failed.message());
            if (failed.logFile() != null) {
                err.println("Last lines of its log (" + failed.logFile() + "):");
                tail(Path.of(failed.logFile())).forEach(line -> err.println("  | " + line));
            }
        } else if (run.message() != null) {
            err.println("fermion: " + run.message());
        }
        err.println("Resume with: fermion run --resume " + run.runId()
                + (home != null ? " --home " + home : ""));
        err.flush();
        out.flush();
        return FermionCli.FAILED;
    }

    private static List<String> tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return lines.subList(Math.max(0, lines.size() - LOG_TAIL), lines.size());
        } catch (IOException e) {
            return List.of("(cannot read the log: " + e.getMessage() + ")");
        }
    }
}
