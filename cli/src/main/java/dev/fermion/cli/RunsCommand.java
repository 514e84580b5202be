package dev.fermion.cli;

import dev.fermion.runtime.local.AttemptRecord;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.runtime.local.RunRecord;
import dev.fermion.runtime.local.RunSetupException;
import dev.fermion.runtime.local.RunStore;
import dev.fermion.runtime.local.StepRecord;
import dev.fermion.runtime.local.StepStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "runs",
        mixinStandardHelpOptions = true,
        description = "List and inspect local runs (kept under $FERMION_HOME/runs, else ~/.fermion/runs).",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class})
final class RunsCommand implements Runnable {
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "Missing command: '" + spec.qualifiedName() + " list' or '" + spec.qualifiedName() + " show RUN_ID'");
    }

    /** Options every {@code runs} subcommand takes. */
    static final class Common {
        @Option(
                names = "--home",
                paramLabel = "DIR",
                description = "Where runs live (default: $FERMION_HOME, else ~/.fermion).")
        Path home;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        RunStore store() {
            return new RunStore(home != null ? new FermionHome(home) : FermionHome.fromEnvironment());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List local runs, newest first.")
    static final class ListRuns implements Callable<Integer> {
        @CommandLine.Mixin
        Common common;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<String> problems = new ArrayList<>();
            List<RunRecord> runs = common.store().list(problems);
            Instant now = Instant.now();
            if (common.json) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (RunRecord run : runs) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("runId", run.runId());
                    row.put("pipeline", run.pipeline());
                    row.put("status", run.displayStatus());
                    row.put("startedAt", run.startedAt());
                    row.put("finishedAt", run.finishedAt());
                    row.put("durationMillis", run.duration(now).toMillis());
                    row.put("steps", run.steps().size());
                    rows.add(row);
                }
                out.println(RunStore.toJson(rows));
            } else if (runs.isEmpty()) {
                out.println("No runs yet under " + common.store().home().runs() + ". Start one with '"
                        + Invocation.command() + " run PIPELINE'.");
            } else {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("RUN ID", "PIPELINE", "STATUS", "STARTED", "DURATION"));
                for (RunRecord run : runs) {
                    rows.add(List.of(
                            run.runId(),
                            run.pipeline(),
                            run.displayStatus(),
                            localTime(run.startedAt()),
                            LiveView.format(run.duration(now))));
                }
                printTable(out, rows);
            }
            problems.forEach(p -> spec.commandLine().getErr().println("fermion: warning: " + p));
            out.flush();
            return FermionCli.OK;
        }
    }

    /** A recorded instant as this machine's local time to the second, the way people read a clock. */
    static String localTime(String instant) {
        return LOCAL_TIME.format(Instant.parse(instant).atZone(ZoneId.systemDefault()));
    }

    /** Columns as wide as their widest cell, the last (a duration) aligned right. */
    private static void printTable(PrintWriter out, List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size() - 1; i++) {
                line.append(row.get(i)).append(" ".repeat(widths[i] - row.get(i).length() + 2));
            }
            String last = row.get(row.size() - 1);
            out.println(line.append(" ".repeat(widths[row.size() - 1] - last.length()))
                    .append(last));
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Show one run: per step its status, attempts, duration, cache hit, outputs and log file.")
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN_ID", description = "A run id from 'fermion runs list'.")
        String runId;

        @CommandLine.Mixin
        Common common;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            RunRecord run;
            try {
                run = common.store().load(runId).settled();
            } catch (RunSetupException e) {
                throw new UsageException(e.getMessage(), e);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (common.json) {
                out.println(RunStore.toJson(run));
                out.flush();
                return FermionCli.OK;
            }
            Instant now = Instant.now();
            out.println("Run        " + run.runId());
            out.println("Pipeline   " + run.pipeline());
            out.println("Status     " + run.displayStatus() + (run.message() == null ? "" : ": " + run.message()));
            out.println("Started    " + localTime(run.startedAt()) + "  (" + LiveView.format(run.duration(now)) + ")");
            out.println("Parameters " + (run.params().isEmpty() ? "none" : run.params()));
            out.println("Isolation  " + run.isolation() + ", parallelism " + run.parallelism()
                    + (run.cache() ? "" : ", no cache"));
            out.println();
            for (StepRecord step : run.stepsInOrder()) {
                String elapsed = step.startedAt() == null ? "" : LiveView.format(step.duration(now));
                out.printf(
                        Locale.ROOT,
                        "%-32s %-12s %8s  attempts %d%s%n",
                        step.path(),
                        LiveView.state(step),
                        elapsed,
                        step.attempts().size(),
                        step.cacheHit() ? "  cache hit" : "");
                if (step.message() != null && step.status() != StepStatus.SUCCEEDED) {
                    out.println("    " + step.message());
                }
                step.outputs().forEach((k, v) -> out.println("    output " + k + " = " + abbreviate(v)));
                step.artifacts().forEach((k, v) -> out.println("    artifact " + k + " -> " + v));
                for (AttemptRecord attempt : step.attempts().size() > 1 ? step.attempts() : List.<AttemptRecord>of()) {
                    out.println("    attempt " + attempt.number() + ": "
                            + attempt.status().name().toLowerCase(Locale.ROOT)
                            + (attempt.message() == null ? "" : " - " + attempt.message()));
                }
                if (step.logFile() != null) {
                    out.println("    log " + step.logFile());
                }
            }
            out.flush();
            return FermionCli.OK;
        }

        private static String abbreviate(String value) {
            return value.length() > 120 ? value.substring(0, 117) + "..." : value;
        }
    }
}
