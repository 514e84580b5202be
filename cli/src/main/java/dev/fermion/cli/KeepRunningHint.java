package dev.fermion.cli;

import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.plan.PortSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the end of a run says when it stopped the local endpoints it started: how to keep them, as the
 * command to type. A deploy step leaves its endpoint up when its {@code keep-running} input is true; when a
 * pipeline parameter feeds that input, the command is this run's own with that parameter set to true.
 */
final class KeepRunningHint {
    static final String INPUT = "keep-running";

    private KeepRunningHint() {}

    /**
     * The hint for a run of {@code plan} started by {@code command} (the words after the program's name,
     * e.g. {@code run iris -p epochs=50}), or null when the run was resumed and has no command of its own.
     */
    static String of(Plan plan, List<String> command) {
        Set<String> params = new TreeSet<>();
        Set<String> fixed = new TreeSet<>();
        for (Node node : plan.allNodes()) {
            if (node.runs().filter(KeepRunningHint::takesKeepRunning).isPresent()) {
                if (node.bindings().get(INPUT) instanceof Expr.Param param) {
                    params.add(param.name());
                } else {
                    fixed.add(node.name());
                }
            }
        }
        if (!params.isEmpty()) {
            List<String> settings =
                    params.stream().map(p -> "-p " + p + "=true").toList();
            if (command == null) {
                return "run the pipeline again with " + String.join(" ", settings) + " to keep them";
            }
            return "keep them with: " + Invocation.command() + " " + String.join(" ", withoutSettings(command, params))
                    + " " + String.join(" ", settings);
        }
        if (!fixed.isEmpty()) {
            return "step" + (fixed.size() == 1 ? " " : "s ") + String.join(", ", fixed) + " of pipeline " + plan.name()
                    + " set keep-running without a parameter: set it to true there to keep them";
        }
        return "a deploy step whose keep-running input is true leaves its endpoint up";
    }

    private static boolean takesKeepRunning(ComponentSpec component) {
        return component
                .input(INPUT)
                .map(PortSpec::type)
                .filter(type -> type.rawType() == Boolean.class)
                .isPresent();
    }

    /** {@code command} quoted for a shell, less any {@code -p} that sets one of {@code params}. */
    private static List<String> withoutSettings(List<String> command, Set<String> params) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            String word = command.get(i);
            boolean option = word.equals("-p") || word.equals("--param");
            String setting = option && i + 1 < command.size()
                    ? command.get(i + 1)
                    : word.startsWith("--param=")
                            ? word.substring("--param=".length())
                            : word.startsWith("-p") && word.length() > 2 ? word.substring(2) : null;
            if (setting != null && params.contains(setting.split("=", 2)[0])) {
                i += option ? 1 : 0;
                continue;
            }
            kept.add(Invocation.quote(word));
        }
        return kept;
    }
}
