package dev.fermion.cli;

import dev.fermion.compiler.ArgoCompiler;
import dev.fermion.compiler.CompilerOptions;
import dev.fermion.compiler.WorkflowKind;
import dev.fermion.dsl.PipelineCatalog;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = {
            "List the pipelines found on the classpath: name, a tab, the defining class.",
            "A pipeline that fails to define is listed with a third column, 'broken: ' and why; the others work."
        })
final class ListCommand implements Callable<Integer> {
    @Mixin
    ClasspathOption classpath;

    @Option(names = "--validate", description = "Also compile every pipeline; exit 2 if any is broken.")
    boolean validate;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        boolean anyBroken = false;
        ArgoCompiler compiler = new ArgoCompiler(CompilerOptions.defaults());
        for (PipelineCatalog.Entry entry : classpath.catalog().list()) {
            String problem =
                    entry.broken() ? entry.error().getMessage() : validate ? compileProblem(compiler, entry) : null;
            if (problem == null) {
                out.println(entry.name() + "\t" + entry.className());
            } else {
                anyBroken = true;
                out.println(entry.name() + "\t" + entry.className() + "\tbroken: " + problem.replace('\n', ' '));
            }
        }
        out.flush();
        return validate && anyBroken ? FermionCli.USAGE : FermionCli.OK;
    }

    /** Why the pipeline does not compile, or null; a template keeps required parameters unset. */
    private static String compileProblem(ArgoCompiler compiler, PipelineCatalog.Entry entry) {
        try {
            WorkflowKind kind =
                    entry.pipeline().plan().schedule().isPresent() ? WorkflowKind.CRON : WorkflowKind.TEMPLATE;
            compiler.compile(entry.pipeline().plan(), kind, Map.of());
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }
}
