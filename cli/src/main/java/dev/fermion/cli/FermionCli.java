package dev.fermion.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code fermion}: list, compile, graph and run pipelines. Exit codes: 0 success, 1 the pipeline or a
 * step failed, 2 bad usage or an invalid pipeline.
 */
@Command(name = "fermion", mixinStandardHelpOptions = true, versionProvider = FermionCli.Version.class,
        description = "Typed Java ML pipelines, run locally or compiled to Argo Workflows.",
        subcommands = {
                ListCommand.class,
                CompileCommand.class,
                GraphCommand.class,
                RunCommand.class,
                RunsCommand.class,
                MlflowCommand.class,
                SubmitCommand.class,
                StatusCommand.class,
                LogsCommand.class,
                TemplatesCommand.class,
                ServeCommand.class,
                ImageCommand.class,
                CommandLine.HelpCommand.class
        })
public final class FermionCli implements Runnable {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'fermion --help'");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests drive it directly. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new FermionCli());
        cli.setExecutionExceptionHandler(new Errors());
        cli.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("fermion: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FermionCli.class.getPackage().getImplementationVersion();
            return new String[] {"fermion " + (v == null ? "development build" : v)};
        }
    }
}
