package dev.fermion.cli;

import dev.fermion.compiler.ArgoCompiler;
import dev.fermion.compiler.CompiledWorkflow;
import dev.fermion.compiler.CompilerOptions;
import dev.fermion.compiler.WorkflowKind;
import dev.fermion.compiler.WorkflowTooLargeException;
import dev.fermion.dsl.Pipeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "compile",
        mixinStandardHelpOptions = true,
        description = "Compile a pipeline to Argo YAML (a Workflow, a WorkflowTemplate or a CronWorkflow).")
final class CompileCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "PIPELINE",
            description = "Pipeline name (see 'fermion list') or defining class.")
    String pipeline;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write the YAML here instead of stdout.")
    Path output;

    @Option(
            names = "--kind",
            paramLabel = "KIND",
            defaultValue = "workflow",
            description = "workflow, template or cron (default: ${DEFAULT-VALUE}).")
    String kind;

    @Mixin
    ImageOptions images;

    @Option(names = "--namespace", paramLabel = "NS", description = "Namespace written into the workflow's metadata.")
    String namespace;

    @Mixin
    MlflowClusterOptions mlflow;

    @Mixin
    ParamOptions params;

    @Mixin
    ClasspathOption classpath;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        WorkflowKind workflowKind = parseKind(kind);
        Pipeline resolved = classpath.catalog().find(pipeline);
        CompilerOptions options = images.apply(CompilerOptions.defaults());
        if (namespace != null) {
            options = options.withNamespace(namespace);
        }
        options = options.withMlflow(mlflow.settings());
        CompiledWorkflow compiled;
        try {
            compiled = new ArgoCompiler(options).compile(resolved.plan(), workflowKind, params.asMap());
        } catch (WorkflowTooLargeException e) {
            throw new UsageException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UsageException("cannot compile pipeline '" + resolved.name() + "': " + e.getMessage(), e);
        }
        if (output == null) {
            spec.commandLine().getOut().print(compiled.yaml());
            spec.commandLine().getOut().flush();
        } else {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(output, compiled.yaml(), StandardCharsets.UTF_8);
            spec.commandLine()
                    .getErr()
                    .printf(
                            "Wrote %s %s to %s (%,d bytes, %.1f%% of Argo's 1 MiB limit)%n",
                            compiled.kind().name().toLowerCase(Locale.ROOT),
                            compiled.name(),
                            output,
                            compiled.sizeBytes(),
                            100.0 * compiled.sizeBytes() / (1024 * 1024));
        }
        return FermionCli.OK;
    }

    static WorkflowKind parseKind(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "workflow" -> WorkflowKind.WORKFLOW;
            case "template", "workflowtemplate" -> WorkflowKind.TEMPLATE;
            case "cron", "cronworkflow" -> WorkflowKind.CRON;
            default -> throw new UsageException("--kind must be workflow, template or cron, got '" + text + "'");
        };
    }
}
