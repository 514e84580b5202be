package dev.fermion.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fermion}: list, compile, graph and run pipelines. Exit codes: 0 success, 1 the pipeline or a
 * step failed, 2 bad usage or an invalid pipeline.
 */
@Command(
        name = "fermion",
        mixinStandardHelpOptions = true,
        versionProvider = FermionCli.Version.class,
        description = "Typed Java ML pipelines, run locally or compiled to Argo Workflows.")
public final class FermionCli implements Runnable {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    /** The commands, in the order the help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(
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
            CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing command: try '" + spec.qualifiedName() + " --help'");
    }

    public static void main(String[] args) {
        // picocli otherwise looks for Groovy on the classpath, which opens every jar of it.
        System.setProperty("picocli.disable.closures", "true");
        System.exit(commandLine(args).execute(args));
    }

    /** The configured command line with every command built in full; tests drive it directly. */
    public static CommandLine commandLine() {
        return commandLine(COMMANDS.stream()
                .map(type -> type.getAnnotation(Command.class).name())
                .toArray(String[]::new));
    }

    /**
     * The command line for {@code args}. Only the commands some argument names are built in full; the others
     * are their name and description, all that the top-level help and a mistyped command's suggestion need.
     * Building a command reflects over its options and loads what they use (the Kubernetes and MLflow
     * clients, Jackson), which cost more than all the rest of {@code fermion --help} or {@code fermion list}.
     * picocli only dispatches to a command an argument names, so it never reaches an unbuilt one.
     */
    public static CommandLine commandLine(String... args) {
        List<String> named = Arrays.asList(args);
        CommandLine cli = new CommandLine(new FermionCli());
        for (Class<?> type : COMMANDS) {
            Command command = type.getAnnotation(Command.class);
            boolean build = named.contains(command.name()) || type == CommandLine.HelpCommand.class;
            cli.addSubcommand(command.name(), build ? new CommandLine(type) : new CommandLine(outline(command)));
        }
        cli.setCommandName(Invocation.command());
        cli.setExecutionExceptionHandler(new Errors());
        cli.setParameterExceptionHandler((ex, ignored) -> {
            CommandLine failed = ex.getCommandLine();
            failed.getErr().println("fermion: " + ex.getMessage());
            Suggestion.print(ex, failed.getErr());
            failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        return cli;
    }

    /** A command as the top-level help lists it: its name and description, without its options. */
    private static CommandSpec outline(Command command) {
        CommandSpec outline = CommandSpec.create().name(command.name()).aliases(command.aliases());
        outline.usageMessage().description(command.description());
        return outline;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FermionCli.class.getPackage().getImplementationVersion();
            return new String[] {"fermion " + (v == null ? "development build" : v)};
        }
    }
}
