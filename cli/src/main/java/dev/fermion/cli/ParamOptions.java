package dev.fermion.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code -p name=value}, repeatable: pipeline parameter overrides as raw text, typed later by the plan. */
final class ParamOptions {
    @Option(
            names = {"-p", "--param"},
            paramLabel = "NAME=VALUE",
            description = "Override a pipeline parameter; repeatable. Lists, maps and records take JSON.")
    List<String> params = List.of();

    Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("-p expects NAME=VALUE, got '" + p + "'");
            }
            String name = p.substring(0, eq);
            if (map.put(name, p.substring(eq + 1)) != null) {
                throw new UsageException("parameter '" + name + "' is given twice with -p");
            }
        }
        return map;
    }
}
