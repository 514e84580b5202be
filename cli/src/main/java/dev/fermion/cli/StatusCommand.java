package dev.fermion.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fermion.submit.ArgoCluster;
import dev.fermion.submit.ClusterException;
import dev.fermion.submit.StepState;
import dev.fermion.submit.WorkflowState;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show a workflow on the cluster: its phase and each step's phase, start and finish.",
            "Exit codes: 0 shown, 2 no such workflow or a cluster that cannot be asked."
        })
final class StatusCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(
            index = "0",
            paramLabel = "WORKFLOW",
            description = "The workflow's name, as 'fermion submit' printed it.")
    String workflow;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Mixin
    SubmitCommand.Cluster cluster;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        WorkflowState state;
        try (ArgoCluster argo = cluster.connect()) {
            state = argo.status(workflow, cluster.namespace);
        } catch (ClusterException e) {
            throw SubmitCommand.Cluster.failure(e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writeValueAsString(asMap(state)));
        } else {
            out.println("Workflow  " + state.name());
            out.println("Namespace " + state.namespace());
            out.println("Phase     " + (state.phase().isEmpty() ? "(not yet seen by Argo)" : state.phase())
                    + (state.progress() == null ? "" : ", " + state.progress() + " pods done")
                    + (state.message() == null ? "" : ": " + state.message()));
            if (state.startedAt() != null) {
                out.println("Started   " + state.startedAt() + took(state.startedAt(), state.finishedAt()));
            }
            if (!state.steps().isEmpty()) {
                out.println();
            }
            for (StepState step : state.steps()) {
                out.println(stepLine(step));
            }
        }
        out.flush();
        return FermionCli.OK;
    }

    /** A stable JSON shape for scripts, independent of how the records evolve. */
    static Map<String, Object> asMap(WorkflowState state) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", state.name());
        map.put("namespace", state.namespace());
        map.put("phase", state.phase());
        map.put("progress", state.progress());
        map.put("message", state.message());
        map.put("startedAt", state.startedAt());
        map.put("finishedAt", state.finishedAt());
        List<Map<String, Object>> steps = new ArrayList<>();
        for (StepState step : state.steps()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", step.label());
            row.put("node", step.name());
            row.put("type", step.type());
            row.put("phase", step.phase());
            row.put("startedAt", step.startedAt());
            row.put("finishedAt", step.finishedAt());
            row.put("message", step.message());
            row.put("cached", step.cached());
            steps.add(row);
        }
        map.put("steps", steps);
        return map;
    }

    static String stepLine(StepState step) {
        String when = step.startedAt() == null
                ? ""
                : step.finishedAt() == null
                        ? "started " + step.startedAt()
                        : step.startedAt() + " -> " + step.finishedAt() + took(step.startedAt(), step.finishedAt());
        boolean failed = "Failed".equals(step.phase()) || "Error".equals(step.phase());
        return String.format(Locale.ROOT, "%-10s %-32s %s", step.phase(), step.label(), when)
                        .stripTrailing()
                + (step.cached() ? "  (cached)" : "")
                + (failed && step.message() != null ? "  (" + step.message() + ")" : "");
    }

    /** " in 1m 02s" when both times are known, else nothing. */
    static String took(String startedAt, String finishedAt) {
        if (startedAt == null || finishedAt == null) {
            return "";
        }
        try {
            return " in " + LiveView.format(Duration.between(Instant.parse(startedAt), Instant.parse(finishedAt)));
        } catch (DateTimeParseException e) {
            return "";
        }
    }
}
