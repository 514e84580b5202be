package dev.fermion.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fermion.compiler.ArgoCompiler;
import dev.fermion.compiler.CompiledWorkflow;
import dev.fermion.compiler.CompilerOptions;
import dev.fermion.compiler.MlflowSettings;
import dev.fermion.compiler.WorkflowKind;
import dev.fermion.compiler.WorkflowTooLargeException;
import dev.fermion.dsl.Pipeline;
import dev.fermion.submit.ArgoCluster;
import dev.fermion.submit.ClusterException;
import dev.fermion.submit.StepState;
import dev.fermion.submit.Submitted;
import dev.fermion.submit.WorkflowListener;
import dev.fermion.submit.WorkflowState;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        description = {
            "Compile a pipeline and create it on the Kubernetes cluster of your kubeconfig, which runs Argo Workflows.",
            "Prints the created workflow's name. With --watch, follows the run: step status and the steps' logs, "
                    + "then links to the Argo and MLflow UIs.",
            "Exit codes: 0 submitted (with --watch: the workflow succeeded), 1 the workflow failed, "
                    + "2 bad usage, an invalid pipeline, or a cluster that cannot take it."
        })
final class SubmitCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "PIPELINE",
            description = "Pipeline name (see 'fermion list') or defining class.")
    String pipeline;

    @Option(
            names = "--kind",
            paramLabel = "KIND",
            defaultValue = "workflow",
            description = "workflow (runs now), template or cron (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--watch", description = "Follow the workflow until it ends, with its steps' logs.")
    boolean watch;

    @Option(
            names = "--from",
            paramLabel = "KIND",
            description = {
                "Run what the cluster holds instead of compiling: 'template' runs the pipeline's "
                        + "WorkflowTemplate, 'cron' its CronWorkflow once now, both as 'fermion templates apply' left them,",
                "with the -p values in place of their defaults."
            })
    String from;

    @Mixin
    ImageOptions images;

    @Option(
            names = "--argo-ui",
            paramLabel = "URL",
            defaultValue = "${env:ARGO_UI_URL}",
            description = "Base URL of the Argo UI, for the link to the run (default: $ARGO_UI_URL).")
    String argoUi;

    @Option(
            names = "--mlflow-ui",
            paramLabel = "URL",
            defaultValue = "${env:MLFLOW_TRACKING_URI}",
            description = "MLflow tracking server, for the link to the experiment (default: $MLFLOW_TRACKING_URI).")
    String mlflowUi;

    @Mixin
    MlflowClusterOptions mlflow;

    @Mixin
    ParamOptions params;

    @Mixin
    ClasspathOption classpath;

    @Mixin
    Cluster cluster;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        WorkflowKind workflowKind = CompileCommand.parseKind(kind);
        if (watch && workflowKind != WorkflowKind.WORKFLOW) {
            throw new UsageException("--watch follows a run, and only a Workflow runs when submitted; "
                    + "drop --watch or use --kind workflow");
        }
        Pipeline resolved = classpath.catalog().find(pipeline);
        MlflowSettings tracking = mlflow.settings();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ArgoCluster argo = cluster.connect()) {
            String namespace = argo.namespace(cluster.namespace);
            CompiledWorkflow compiled =
                    compile(resolved, workflowKind, options(images, namespace).withMlflow(tracking), params.asMap());
            Submitted submitted;
            try {
                submitted = from == null
                        ? argo.submit(compiled, namespace)
                        : submitFrom(argo, resolved, compiled, namespace, params.asMap());
            } catch (ClusterException e) {
                if (e.reason() == ClusterException.Reason.ALREADY_EXISTS) {
                    throw new UsageException(
                            e.getMessage() + ": update it with '" + Invocation.command() + " templates apply "
                                    + pipeline + "'",
                            e);
                }
                throw e;
            }
            out.println(submitted.name());
            out.flush();
            err.println("Submitted " + submitted.resourceKind() + " " + submitted.name() + " in namespace "
                    + submitted.namespace());
            if (workflowKind == WorkflowKind.WORKFLOW && !watch && argoUi != null && !argoUi.isBlank()) {
                err.println("Argo UI: " + argoLink(submitted.namespace(), submitted.name()));
            }
            err.flush();
            if (!watch) {
                return FermionCli.OK;
            }
            WorkflowState end = argo.watch(submitted.name(), namespace, null, new WatchView(out, true));
            return finish(end, resolved, out, err);
        } catch (ClusterException e) {
            throw Cluster.failure(e);
        }
    }

    /**
     * A Workflow of what {@code templates apply} left on the cluster: the arguments are the -p values as the
     * compiled workflow carries them (checked and in transport form), and only those, so the rest are the
     * template's own defaults.
     */
    private Submitted submitFrom(
            ArgoCluster argo,
            Pipeline pipeline,
            CompiledWorkflow compiled,
            String namespace,
            Map<String, String> given) {
        if (kind != null && CompileCommand.parseKind(kind) != WorkflowKind.WORKFLOW) {
            throw new UsageException("--from runs what the cluster holds as a Workflow; drop --kind");
        }
        if (mlflow.settings() != null) {
            throw new UsageException("--from runs the template as it was applied, with its own tracking settings; "
                    + "drop the --mlflow options or apply the template with them");
        }
        Map<String, String> arguments = new LinkedHashMap<>();
        JsonNode workflow;
        try {
            workflow = new YAMLMapper().readTree(compiled.yaml());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the compiler wrote YAML that does not parse", e);
        }
        for (JsonNode parameter : workflow.at("/spec/arguments/parameters")) {
            if (given.containsKey(parameter.path("name").asText())) {
                arguments.put(
                        parameter.path("name").asText(), parameter.path("value").asText());
            }
        }
        CompilerOptions options = options(images, namespace);
        return switch (from.toLowerCase(Locale.ROOT)) {
            case "template" ->
                argo.submitFromTemplate(
                        compile(pipeline, WorkflowKind.TEMPLATE, options, Map.of())
                                .name(),
                        namespace,
                        arguments,
                        Map.of(ArgoCompiler.PIPELINE_LABEL, pipeline.name()),
                        Invocation.command());
            case "cron" -> {
                if (pipeline.plan().schedule().isEmpty()) {
                    throw new UsageException("pipeline '" + pipeline.name() + "' has no schedule, so no CronWorkflow: "
                            + "use --from template");
                }
                yield argo.trigger(
                        compile(pipeline, WorkflowKind.CRON, options, Map.of()).name(),
                        namespace,
                        arguments,
                        Invocation.command());
            }
            default -> throw new UsageException("--from must be template or cron, got '" + from + "'");
        };
    }

    private int finish(WorkflowState end, Pipeline resolved, PrintWriter out, PrintWriter err) {
        out.println(
                "Workflow " + end.name() + " " + end.phase() + StatusCommand.took(end.startedAt(), end.finishedAt()));
        if (argoUi != null && !argoUi.isBlank()) {
            out.println("Argo UI:   " + argoLink(end.namespace(), end.name()));
        }
        if (mlflowUi != null && mlflowUi.matches("(?i)https?://.*")) {
            out.println("MLflow UI: " + withoutCredentials(mlflowUi) + " (experiment '"
                    + resolved.plan().experiment() + "')");
        }
        out.flush();
        if (end.succeeded()) {
            return FermionCli.OK;
        }
        err.println("fermion: workflow " + end.name() + " " + end.phase().toLowerCase(Locale.ROOT)
                + (end.message() == null ? "" : ": " + end.message()));
        for (StepState step : end.steps()) {
            if ("Failed".equals(step.phase()) || "Error".equals(step.phase())) {
                err.println("  step '" + step.label() + "' " + step.phase().toLowerCase(Locale.ROOT)
                        + (step.message() == null ? "" : ": " + step.message()));
            }
        }
        err.println("Its logs: " + Invocation.command() + " logs " + end.name() + " -n " + end.namespace());
        err.flush();
        return FermionCli.FAILED;
    }

    private String argoLink(String namespace, String name) {
        return withoutCredentials(argoUi) + "/workflows/" + namespace + "/" + name;
    }

    static CompilerOptions options(ImageOptions images, String namespace) {
        return images.apply(CompilerOptions.defaults().withNamespace(namespace));
    }

    static CompiledWorkflow compile(
            Pipeline pipeline, WorkflowKind kind, CompilerOptions options, Map<String, String> params) {
        try {
            return new ArgoCompiler(options).compile(pipeline.plan(), kind, params);
        } catch (WorkflowTooLargeException e) {
            throw new UsageException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UsageException("cannot compile pipeline '" + pipeline.name() + "': " + e.getMessage(), e);
        }
    }

    /** A URL from the environment may carry a user and password; they must not reach a terminal or a CI log. */
    static String withoutCredentials(String url) {
        String trimmed = url.trim().replaceAll("/+$", "");
        try {
            URI uri = new URI(trimmed);
            if (uri.getRawUserInfo() == null) {
                return trimmed;
            }
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getRawPath(), null, null)
                    .toString();
        } catch (URISyntaxException e) {
            return "(a URL that cannot be parsed)";
        }
    }

    /** The options that choose a cluster and namespace, shared by every command that talks to one. */
    static final class Cluster {
        @Option(
                names = {"-n", "--namespace"},
                paramLabel = "NS",
                description = "Namespace (default: the one of the kubeconfig's context, else 'default').")
        String namespace;

        @Option(
                names = "--kubeconfig",
                paramLabel = "FILE",
                description =
                        "Kubeconfig to use (default: $KUBECONFIG, else ~/.kube/config, else the pod's service account).")
        Path kubeconfig;

        @Option(
                names = "--context",
                paramLabel = "NAME",
                description = "Kubeconfig context (default: its current context).")
        String context;

        ArgoCluster connect() {
            try {
                return ArgoCluster.connect(kubeconfig, context);
            } catch (ClusterException e) {
                throw failure(e);
            }
        }

        /** Problems of the user's setup are usage errors (exit 2); a failing cluster is exit 1. */
        static RuntimeException failure(ClusterException e) {
            return e.setupProblem() ? new UsageException(e.getMessage(), e) : e;
        }
    }

    /** Prints a watched workflow: each step once per phase it reaches, and its log lines as they come. */
    static final class WatchView implements WorkflowListener {
        private final PrintWriter out;
        private final boolean showSteps;
        private final Map<String, String> seen = new HashMap<>();
        private String phase = "";

        WatchView(PrintWriter out, boolean showSteps) {
            this.out = out;
            this.showSteps = showSteps;
        }

        @Override
        public synchronized void changed(WorkflowState state) {
            if (!showSteps) {
                return;
            }
            if (!state.phase().equals(phase)) {
                phase = state.phase();
                if (!phase.isEmpty() && !state.finished()) {
                    out.println("Workflow " + state.name() + " " + phase);
                }
            }
            for (StepState step : state.steps()) {
                if (step.phase() != null && !step.phase().equals(seen.put(step.id(), step.phase()))) {
                    out.println("  " + StatusCommand.stepLine(step));
                }
            }
            out.flush();
        }

        @Override
        public synchronized void log(String step, String line) {
            out.println((showSteps ? "    [" : "[") + step + "] " + line);
            out.flush();
        }
    }
}
