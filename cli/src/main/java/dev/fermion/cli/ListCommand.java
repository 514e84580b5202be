package dev.fermion.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the pipelines found on the classpath: name, a tab, the defining class.")
final class ListCommand implements Callable<Integer> {
    @Mixin
    ClasspathOption classpath;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        for (PipelineCatalog.Entry entry : classpath.catalog().list()) {
            out.println(entry.name() + "\t" + entry.className());
        }
        out.flush();
        return FermionCli.OK;
    }
}
