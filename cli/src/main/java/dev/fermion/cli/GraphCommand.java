package dev.fermion.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "graph",
        mixinStandardHelpOptions = true,
        description = "Print a pipeline's graph as Mermaid (paste into Markdown) or Graphviz DOT.")
final class GraphCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "PIPELINE",
            description = "Pipeline name (see 'fermion list') or defining class.")
    String pipeline;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "mermaid",
            description = "mermaid or dot (default: ${DEFAULT-VALUE}).")
    String format;

    @Mixin
    ClasspathOption classpath;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        GraphRenderer.Format chosen = switch (format.toLowerCase(Locale.ROOT)) {
            case "mermaid" -> GraphRenderer.Format.MERMAID;
            case "dot" -> GraphRenderer.Format.DOT;
            default -> throw new UsageException("--format must be mermaid or dot, got '" + format + "'");
        };
        spec.commandLine()
                .getOut()
                .print(GraphRenderer.render(classpath.catalog().find(pipeline).plan(), chosen));
        spec.commandLine().getOut().flush();
        return FermionCli.OK;
    }
}
