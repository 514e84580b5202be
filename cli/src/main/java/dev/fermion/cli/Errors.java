package dev.fermion.cli;

import dev.fermion.dsl.PipelineDefinitionException;
import picocli.CommandLine;

/**
 * Turns exceptions into the CLI's exit codes: an invalid pipeline or bad usage is 2 with one clear line,
 * anything else is 1 with its message (and the stack trace only when FERMION_DEBUG is set).
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
        var err = cli.getErr();
        if (ex instanceof PipelineDefinitionException || ex instanceof UsageException) {
            err.println("fermion: " + ex.getMessage());
            return FermionCli.USAGE;
        }
        err.println("fermion: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
        if (System.getenv("FERMION_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        return FermionCli.FAILED;
    }
}
