package dev.fermion.cli;

import dev.fermion.dsl.PipelineDefinitionException;
import dev.fermion.dsl.PipelineLookupException;
import dev.fermion.dsl.UnknownPipelineException;
import dev.fermion.runtime.local.UnknownRunException;
import picocli.CommandLine;

/**
 * Turns exceptions into the CLI's exit codes: an invalid pipeline or bad usage is 2 with one clear line,
 * anything else is 1 with its message (and the stack trace only when FERMION_DEBUG is set).
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
        var err = cli.getErr();
        if (ex instanceof UnknownPipelineException unknown) {
            err.println("fermion: no pipeline named '" + unknown.name() + "'; known pipelines: "
                    + (unknown.known().isEmpty()
                            ? "none (add --classpath with your project's classes)"
                            : String.join(", ", unknown.known()) + ". Run '" + Invocation.command()
                                    + " list' to see them with their classes"));
            return FermionCli.USAGE;
        }
        if (ex instanceof PipelineDefinitionException
                || ex instanceof PipelineLookupException
                || ex instanceof UsageException) {
            err.println("fermion: " + ex.getMessage()
                    + (ex.getCause() instanceof UnknownRunException
                            ? "; '" + Invocation.command() + " runs list' shows the ids of past runs"
                            : ""));
            return FermionCli.USAGE;
        }
        err.println("fermion: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
        if (System.getenv("FERMION_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        return FermionCli.FAILED;
    }
}
