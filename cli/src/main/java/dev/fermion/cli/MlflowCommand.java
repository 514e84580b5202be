package dev.fermion.cli;

import dev.fermion.contract.TrackingEnv;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.tracking.LocalMlflowServer;
import dev.fermion.tracking.MlflowTracker;
import dev.fermion.tracking.TrackingOptions;
import dev.fermion.tracking.delivery.Spool;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "mlflow",
        mixinStandardHelpOptions = true,
        description = {
            "Work with the MLflow tracking server that 'fermion run --mlflow' records runs in.",
            "See docs/mlflow.md."
        },
        subcommands = {MlflowCommand.Sync.class, MlflowCommand.Server.class})
final class MlflowCommand implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "Missing command: '" + spec.qualifiedName() + " sync' or '" + spec.qualifiedName()
                        + " server start|stop|url'");
    }

    static FermionHome home(Path dir) {
        return dir != null ? new FermionHome(dir) : FermionHome.fromEnvironment();
    }

    /**
     * A tracking server's URL from {@code --mlflow} or {@code MLFLOW_TRACKING_URI} ({@code source} names
     * which, for messages). Credentials in the URL are refused rather than risked in output and logs.
     */
    static URI parse(String text, String source) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new UsageException(source + " is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((!scheme.equals("http") && !scheme.equals("https")) || uri.getHost() == null) {
            throw new UsageException(source + " must be the http(s) URL of an MLflow tracking server, "
                    + "such as http://127.0.0.1:5000 (Fermion talks to MLflow over its REST API only)");
        }
        if (uri.getRawUserInfo() != null) {
            throw new UsageException(source + " must not carry credentials; set " + TrackingEnv.USERNAME + " and "
                    + TrackingEnv.PASSWORD + ", or " + TrackingEnv.TOKEN);
        }
        return uri;
    }

    /** Tracking to {@code uri} with the credentials of the environment, which must be complete. */
    static TrackingOptions trackingOptions(URI uri, Path fermionHome) {
        try {
            return TrackingOptions.of(uri, fermionHome);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Command(
            name = "sync",
            mixinStandardHelpOptions = true,
            description = {
                "Send the tracking operations that runs spooled while MLflow was unavailable.",
                "Operations MLflow rejects are set aside in the spool (<session>.rejected.jsonl) and reported.",
                "Exit codes: 0 nothing is left to send, 1 MLflow is still unavailable, 2 bad usage."
            })
    static final class Sync implements Callable<Integer> {
        @Option(
                names = "--home",
                paramLabel = "DIR",
                description = "The Fermion home whose spool to send (default: $FERMION_HOME, else ~/.fermion).")
        Path home;

        @Option(
                names = "--mlflow",
                paramLabel = "URI",
                description =
                        "The tracking server (default: $MLFLOW_TRACKING_URI, else the home's local server if it runs).")
        String mlflow;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            FermionHome fermionHome = home(home);
            Spool spool = Spool.inHome(fermionHome.root());
            List<String> sessions = spool.sessions();
            if (sessions.isEmpty()) {
                out.println("Nothing to sync: no tracking operations wait in " + spool.dir());
                out.flush();
                return FermionCli.OK;
            }
            URI uri = target(fermionHome);
            out.println("Sending spooled tracking operations to " + uri + ":");
            for (String session : sessions) {
                int waiting = spool.pending(session).size();
                out.println("  " + session + ": " + waiting + " operation" + (waiting == 1 ? "" : "s"));
            }
            out.flush();
            Spool.ReplayResult result = MlflowTracker.sync(trackingOptions(uri, fermionHome.root()));
            out.println("Sent " + result.sent() + ", rejected " + result.rejected() + ", still waiting "
                    + result.remaining() + ".");
            if (result.rejected() > 0) {
                out.println("Rejected operations are kept in " + spool.dir()
                        + " (*.rejected.jsonl); the warnings above say why.");
            }
            out.flush();
            if (result.remaining() > 0) {
                spec.commandLine()
                        .getErr()
                        .println("fermion: MLflow at " + uri + " is still unavailable; run '" + Invocation.command()
                                + " mlflow sync' again later");
                return FermionCli.FAILED;
            }
            return FermionCli.OK;
        }

        private URI target(FermionHome fermionHome) {
            if (mlflow != null) {
                return parse(mlflow, "--mlflow");
            }
            String env = System.getenv(TrackingEnv.URI);
            if (env != null && !env.isBlank()) {
                return parse(env, TrackingEnv.URI);
            }
            Optional<URI> local = LocalMlflowServer.of(fermionHome.root()).status();
            return local.orElseThrow(() -> new UsageException("which MLflow server? give --mlflow URI or set "
                    + TrackingEnv.URI + " (no local server of " + fermionHome.root() + " is running)"));
        }
    }

    @Command(
            name = "server",
            mixinStandardHelpOptions = true,
            description = {
                "A local MLflow server for this Fermion home: a pinned mlflow in a venv, a sqlite store",
                "and artifacts under <home>/mlflow, listening on 127.0.0.1 (scripts/mlflow-server.sh)."
            },
            subcommands = {Start.class, Stop.class, Url.class})
    static final class Server implements Runnable {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "Missing command: '" + spec.qualifiedName() + " start', 'stop' or 'url'");
        }
    }

    /** Options every {@code server} subcommand takes. */
    static final class HomeOption {
        @Option(
                names = "--home",
                paramLabel = "DIR",
                description = "The Fermion home of the server (default: $FERMION_HOME, else ~/.fermion).")
        Path home;

        LocalMlflowServer server() {
            return LocalMlflowServer.of(home(home).root());
        }
    }

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = {
                "Start the local server (the first start installs mlflow, which takes a minute),",
                "or find the one already running; prints its URL."
            })
    static final class Start implements Callable<Integer> {
        @CommandLine.Mixin
        HomeOption home;

        @Option(names = "--port", paramLabel = "N", description = "Listen on this port (default: a free one).")
        Integer port;

        @Option(
                names = "--basic-auth",
                description = {
                    "Run MLflow's basic-auth app: every request needs a user and " + "password. Its admin is",
                    "MLFLOW_TRACKING_USERNAME, created with MLFLOW_TRACKING_PASSWORD on the "
                            + "first start; runs use the same variables."
                })
        boolean basicAuth;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            String username = System.getenv(TrackingEnv.USERNAME);
            String password = System.getenv(TrackingEnv.PASSWORD);
            if (basicAuth && (username == null || username.isBlank() || password == null || password.isBlank())) {
                throw new UsageException("--basic-auth needs " + TrackingEnv.USERNAME + " and " + TrackingEnv.PASSWORD
                        + " in the environment: the server's admin user");
            }
            URI uri;
            try {
                uri = basicAuth
                        ? home.server().startWithBasicAuth(username, password, port)
                        : port == null ? home.server().start() : home.server().start(port);
            } catch (IllegalStateException | UncheckedIOException e) {
                spec.commandLine().getErr().println("fermion: cannot start the local MLflow server: " + e.getMessage());
                return FermionCli.FAILED;
            }
            spec.commandLine().getOut().println(uri);
            spec.commandLine().getOut().flush();
            return FermionCli.OK;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the local server.")
    static final class Stop implements Callable<Integer> {
        @CommandLine.Mixin
        HomeOption home;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            home.server().stop();
            spec.commandLine().getOut().println("The local MLflow server is stopped.");
            spec.commandLine().getOut().flush();
            return FermionCli.OK;
        }
    }

    @Command(
            name = "url",
            mixinStandardHelpOptions = true,
            description = "Print the local server's URL; exit code 1 when it is not running.")
    static final class Url implements Callable<Integer> {
        @CommandLine.Mixin
        HomeOption home;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Optional<URI> uri = home.server().status();
            if (uri.isEmpty()) {
                spec.commandLine()
                        .getErr()
                        .println("fermion: the local MLflow server is not running; " + "start it with '"
                                + Invocation.command() + " mlflow server start'");
                return FermionCli.FAILED;
            }
            spec.commandLine().getOut().println(uri.get());
            spec.commandLine().getOut().flush();
            return FermionCli.OK;
        }
    }
}
