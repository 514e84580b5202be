package dev.fermion.cli;

import dev.fermion.components.model.ModelBundle;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.runtime.local.RunRecord;
import dev.fermion.runtime.local.RunSetupException;
import dev.fermion.runtime.local.RunStore;
import dev.fermion.runtime.local.StepRecord;
import dev.fermion.runtime.local.StepStatus;
import dev.fermion.serving.http.InferenceServer;
import dev.fermion.serving.model.ServedModel;
import dev.fermion.serving.source.ModelSources;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve trained models over the KServe Open Inference Protocol v2 (REST) until Ctrl-C, "
                    + "as the runtime image's fermion-serve does.",
            "Give bundle directories with --model, or a finished local run with --run to serve the model it trained."
        },
        footer = {
            "",
            "Examples:",
            "  fermion serve --model iris=/path/to/model --port 9000",
            "  fermion serve --run RUN_ID --step train",
            "  curl localhost:8080/v2/models/iris     the inputs an infer request takes",
            "Requests go to POST /v2/models/NAME/infer; see 'Serving a model' in README.md."
        })
final class ServeCommand implements Callable<Integer> {
    @Option(
            names = "--model",
            paramLabel = "NAME=PATH",
            description =
                    "Serve the model bundle in directory PATH (the 'model' output of TrainMlp) as NAME; repeatable.")
    List<String> models = new ArrayList<>();

    @Option(
            names = "--run",
            paramLabel = "RUN_ID",
            description =
                    "Serve the model bundle a succeeded step of this local run wrote ('fermion runs list' shows run ids).")
    String runId;

    @Option(
            names = "--step",
            paramLabel = "STEP",
            description = "With --run: the step whose model to serve, by its path in 'fermion runs show'; needed when "
                    + "several steps wrote one.")
    String step;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "With --run: the name to serve the model under (default: the run's pipeline name).")
    String name;

    @Option(
            names = "--home",
            paramLabel = "DIR",
            description = "Where runs live (default: $FERMION_HOME, else ~/.fermion).")
    Path home;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "8080",
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(
            names = "--workers",
            paramLabel = "N",
            description =
                    "Loaded copies of each model, the requests it runs at once (default: the number of processors).")
    Integer workers;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        int copies = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        if (copies < 1) {
            throw new UsageException("--workers must be at least 1, got " + copies);
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--port takes a port number from 0 to 65535, got " + port);
        }
        Map<String, String> locations = locations();
        List<ServedModel> served = new ArrayList<>();
        InferenceServer server;
        try {
            ModelSources sources = ModelSources.standard();
            for (Map.Entry<String, String> model : locations.entrySet()) {
                try {
                    served.add(ServedModel.load(
                            model.getKey(), model.getValue(), sources.resolve(model.getValue()), copies));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage(), e);
                }
            }
            server = InferenceServer.start(served, host, port);
        } catch (RuntimeException e) {
            served.forEach(ServedModel::close);
            throw e;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C and SIGTERM end the JVM through its shutdown hooks: stop listening, free the models' native memory.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "fermion-serve-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Serving on " + server.uri());
        for (ServedModel model : served) {
            out.println("  " + model.name() + "  " + server.uri().resolve("/v2/models/" + model.name() + "/infer")
                    + "  from " + model.location());
        }
        out.println("Metrics at " + server.uri().resolve("/metrics") + ". Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return FermionCli.OK;
    }

    /** Model name to location, in the order given; every problem is a usage error naming the option. */
    private Map<String, String> locations() {
        if (runId == null && (step != null || name != null)) {
            throw new UsageException((step != null ? "--step" : "--name") + " applies to a model from --run RUN_ID; "
                    + "with --model the name is part of NAME=PATH");
        }
        Map<String, String> locations = new LinkedHashMap<>();
        for (String model : models) {
            int eq = model.indexOf('=');
            if (eq < 1 || eq == model.length() - 1) {
                throw new UsageException("--model takes NAME=PATH, e.g. --model iris=runs/model, got '" + model + "'");
            }
            put(locations, model.substring(0, eq), model.substring(eq + 1));
        }
        if (runId != null) {
            RunRecord run;
            try {
                run = store().load(runId);
            } catch (RunSetupException e) {
                throw new UsageException(e.getMessage(), e);
            }
            put(locations, name != null ? name : run.pipeline(), modelOf(run));
        }
        if (locations.isEmpty()) {
            throw new UsageException("Nothing to serve: give --model NAME=PATH or --run RUN_ID (see '"
                    + Invocation.command() + " serve --help')");
        }
        return locations;
    }

    private static void put(Map<String, String> locations, String model, String location) {
        if (locations.put(model, location) != null) {
            throw new UsageException("Model name '" + model + "' is given twice; each served model needs its own name"
                    + " (for --run, set one with --name)");
        }
    }

    private RunStore store() {
        return new RunStore(home != null ? new FermionHome(home) : FermionHome.fromEnvironment());
    }

    /** The directory of the one model bundle among the chosen steps' artifacts. */
    private String modelOf(RunRecord run) {
        List<StepRecord> steps;
        if (step != null) {
            StepRecord chosen = run.step(step)
                    .orElseThrow(() -> new UsageException("Run '" + run.runId() + "' has no step '" + step
                            + "'; its steps are " + run.steps().keySet()));
            if (chosen.status() != StepStatus.SUCCEEDED) {
                throw new UsageException("Step '" + step + "' of run '" + run.runId() + "' is "
                        + chosen.status().label() + ", so it has no model to serve; '" + Invocation.command()
                        + " runs show " + run.runId() + "' tells why");
            }
            steps = List.of(chosen);
        } else {
            steps = run.stepsInOrder().stream()
                    .filter(s -> s.status() == StepStatus.SUCCEEDED)
                    .toList();
        }
        Map<String, String> bundles = new LinkedHashMap<>();
        for (StepRecord candidate : steps) {
            candidate.artifacts().forEach((output, directory) -> {
                if (isBundle(Path.of(directory))) {
                    bundles.put(candidate.path() + " (output '" + output + "')", directory);
                }
            });
        }
        if (bundles.isEmpty()) {
            throw new UsageException((step != null ? "Step '" + step + "' of run '" : "No succeeded step of run '")
                    + run.runId() + "' wrote a model bundle (what TrainMlp writes to its 'model' output); serve a run "
                    + "that trained a model, or give the bundle with --model NAME=PATH");
        }
        if (bundles.size() > 1) {
            throw new UsageException("Run '" + run.runId() + "' has several model bundles: "
                    + String.join(", ", bundles.keySet()) + "; choose one with --step STEP");
        }
        return bundles.values().iterator().next();
    }

    // Judged by the files present, not by reading them, so a damaged bundle is still chosen and its load
    // failure names what is wrong instead of the run seeming to have no model.
    private static boolean isBundle(Path directory) {
        return Files.isDirectory(directory)
                && ModelBundle.files().stream().allMatch(file -> Files.isRegularFile(directory.resolve(file)));
    }
}
