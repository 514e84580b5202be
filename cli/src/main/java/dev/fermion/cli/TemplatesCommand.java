package dev.fermion.cli;

import dev.fermion.compiler.CompilerOptions;
import dev.fermion.compiler.WorkflowKind;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.PipelineCatalog;
import dev.fermion.submit.ArgoCluster;
import dev.fermion.submit.ClusterException;
import dev.fermion.submit.Submitted;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "templates",
        mixinStandardHelpOptions = true,
        description = "Keep pipelines on the cluster as WorkflowTemplates (and CronWorkflows for scheduled ones).",
        subcommands = {TemplatesCommand.Apply.class})
final class TemplatesCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing command: '" + spec.qualifiedName() + " apply PIPELINE...'");
    }

    @Command(
            name = "apply",
            mixinStandardHelpOptions = true,
            description = {
                "Create or update each pipeline's WorkflowTemplate, and its CronWorkflow when it has a schedule.",
                "Exit codes: 0 all applied, 2 bad usage, an invalid pipeline, or a cluster that cannot take them."
            })
    static final class Apply implements Callable<Integer> {
        @Parameters(
                arity = "1..*",
                paramLabel = "PIPELINE",
                description = "Pipeline names (see 'fermion list') or defining classes.")
        List<String> pipelines;

        @Mixin
        ImageOptions images;

        @Mixin
        ClasspathOption classpath;

        @Mixin
        SubmitCommand.Cluster cluster;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PipelineCatalog catalog = classpath.catalog();
            List<Pipeline> resolved = new ArrayList<>();
            for (String reference : pipelines) {
                resolved.add(catalog.find(reference));
            }
            PrintWriter out = spec.commandLine().getOut();
            try (ArgoCluster argo = cluster.connect()) {
                String namespace = argo.namespace(cluster.namespace);
                CompilerOptions options = SubmitCommand.options(images, namespace);
                for (Pipeline pipeline : resolved) {
                    List<WorkflowKind> kinds = pipeline.plan().schedule().isPresent()
                            ? List.of(WorkflowKind.TEMPLATE, WorkflowKind.CRON)
                            : List.of(WorkflowKind.TEMPLATE);
                    for (WorkflowKind kind : kinds) {
                        Submitted applied =
                                argo.apply(SubmitCommand.compile(pipeline, kind, options, Map.of()), namespace);
                        out.println(applied.resourceKind() + " " + applied.name() + " "
                                + (applied.created() ? "created" : "updated") + " in namespace " + applied.namespace());
                        out.flush();
                    }
                }
            } catch (ClusterException e) {
                throw SubmitCommand.Cluster.failure(e);
            }
            return FermionCli.OK;
        }
    }
}
