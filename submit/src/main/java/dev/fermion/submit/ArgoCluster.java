package dev.fermion.submit;

import dev.fermion.compiler.CompiledWorkflow;
import dev.fermion.compiler.WorkflowKind;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Fermion's one door to a Kubernetes cluster running Argo Workflows: creates Workflows, applies
 * WorkflowTemplates and CronWorkflows, reads a workflow's state, and follows a run with its pods' logs.
 * Every failure of the API comes out as a {@link ClusterException} whose message says what to do.
 *
 * <p>This class connects and resolves namespaces; the work is done by {@link WorkflowSubmitter} (writes),
 * {@link WorkflowStates} (reads), {@link WorkflowWatch} and {@link PodLogs} (following a run), all through
 * {@link ClusterCalls} (the calls and their errors).
 */
public final class ArgoCluster implements AutoCloseable {
    /** The label Argo puts on every pod of a workflow. */
    public static final String WORKFLOW_LABEL = "workflows.argoproj.io/workflow";
    /** The annotation naming the workflow node a pod runs. */
    public static final String NODE_NAME_ANNOTATION = "workflows.argoproj.io/node-name";
    /** Argo runs the step's own process in this container; the others are Argo's. */
    public static final String MAIN_CONTAINER = "main";
    /** The label Argo puts on the Workflows a CronWorkflow creates: the CronWorkflow's name. */
    public static final String CRON_LABEL = "workflows.argoproj.io/cron-workflow";
    /** A command line should say at once that the cluster is down, not retry with backoff for minutes. */
    private static final int RETRIES = 1;

    private final KubernetesClient client;
    private final WorkflowSubmitter submitter;
    private final WorkflowStates states;
    private final PodLogs logs;
    private final WorkflowWatch watch;

    public ArgoCluster(KubernetesClient client) {
        this(client, "the client's configuration");
    }

    /** @param origin where the connection settings came from, so a failure to connect can say what to fix */
    private ArgoCluster(KubernetesClient client, String origin) {
        this.client = Objects.requireNonNull(client, "client");
        ClusterCalls calls = new ClusterCalls(client, origin);
        this.submitter = new WorkflowSubmitter(calls);
        this.states = new WorkflowStates(calls);
        this.logs = new PodLogs(calls);
        this.watch = new WorkflowWatch(calls, states, logs);
    }

    /**
     * Connects as kubectl would: with {@code kubeconfig} when given, else {@code KUBECONFIG} or
     * {@code ~/.kube/config}, else the pod's service account.
     *
     * @param context the kubeconfig context to use; null for its current context
     */
    public static ArgoCluster connect(Path kubeconfig, String context) {
        Config config;
        try {
            if (kubeconfig != null) {
                if (!Files.isRegularFile(kubeconfig)) {
                    throw new ClusterException(
                            ClusterException.Reason.UNREACHABLE,
                            "the kubeconfig " + kubeconfig + " does not exist",
                            null);
                }
                config = Config.fromKubeconfig(context, kubeconfig.toFile());
            } else {
                config = Config.autoConfigure(context);
            }
        } catch (KubernetesClientException | IllegalArgumentException e) {
            throw new ClusterException(
                    ClusterException.Reason.UNREACHABLE,
                    "cannot use the kubeconfig"
                            + (kubeconfig == null ? "" : " " + kubeconfig)
                            + (context == null ? "" : " with context '" + context + "'") + ": " + e.getMessage(),
                    e);
        }
        config.setRequestRetryBackoffLimit(RETRIES);
        return new ArgoCluster(new KubernetesClientBuilder().withConfig(config).build(), origin(kubeconfig, context));
    }

    private static String origin(Path kubeconfig, String context) {
        String variable = System.getenv("KUBECONFIG");
        Path standard = Path.of(System.getProperty("user.home"), ".kube", "config");
        String file = kubeconfig != null
                ? "the kubeconfig " + kubeconfig
                : variable != null && !variable.isBlank()
                        ? "the kubeconfig in KUBECONFIG (" + variable + ")"
                        : Files.isRegularFile(standard) ? "the kubeconfig " + standard : null;
        if (file == null) {
            return "the in-cluster defaults, as no kubeconfig was found (KUBECONFIG is unset and " + standard
                    + " does not exist)";
        }
        return file + (context == null ? ", its current context" : ", context '" + context + "'");
    }

    /** {@code requested}, else the namespace of the kubeconfig's context, else {@code default}. */
    public String namespace(String requested) {
        if (requested != null && !requested.isBlank()) {
            return requested;
        }
        String configured = client.getNamespace();
        return configured == null || configured.isBlank() ? "default" : configured;
    }

    /**
     * Creates the compiled object; a Workflow starts running at once.
     *
     * @throws ClusterException with {@link ClusterException.Reason#ALREADY_EXISTS} when a template or cron
     *                          workflow of that name exists (use {@link #apply})
     */
    public Submitted submit(CompiledWorkflow compiled, String namespace) {
        return submitter.submit(compiled, namespace(namespace));
    }

    /**
     * Creates a Workflow that runs the WorkflowTemplate {@code template} of the namespace, as {@link #apply} left it,
     * with {@code arguments} (name to value, in the transport form the compiler writes) in place of its defaults.
     * The Workflow refers to the template, so Argo runs what the cluster holds and checks the arguments against it.
     *
     * @param labels labels of the Workflow, such as the pipeline's
     * @param command the command that runs Fermion as its user typed it ({@code ./fermion}, {@code fermion}), for the
     *     hint that says how to create a missing template
     */
    public Submitted submitFromTemplate(
            String template,
            String namespace,
            Map<String, String> arguments,
            Map<String, String> labels,
            String command) {
        return submitter.submitFromTemplate(template, namespace(namespace), arguments, labels, command);
    }

    /**
     * Creates a Workflow from the CronWorkflow {@code cron} now, as its schedule would: its workflow spec, labels and
     * annotations, owned by the CronWorkflow and labelled with its name as Argo labels the runs it schedules
     * (what {@code argo submit --from cronwf/NAME} does), with {@code arguments} in place of its defaults.
     *
     * @param command the command that runs Fermion as its user typed it, for the hint that says how to create a
     *     missing CronWorkflow
     */
    public Submitted trigger(String cron, String namespace, Map<String, String> arguments, String command) {
        return submitter.trigger(cron, namespace(namespace), arguments, command);
    }

    /** Creates the WorkflowTemplate or CronWorkflow, or replaces the one of that name. */
    public Submitted apply(CompiledWorkflow compiled, String namespace) {
        if (compiled.kind() == WorkflowKind.WORKFLOW) {
            throw new IllegalArgumentException("a Workflow runs once and cannot be applied; submit it");
        }
        return submitter.apply(compiled, namespace(namespace));
    }

    /** The workflow's current state. */
    public WorkflowState status(String name, String namespace) {
        return states.read(name, namespace(namespace));
    }

    /**
     * Follows a workflow until it ends: every change goes to {@code listener}, and so do the log lines of
     * its steps' {@code main} containers as they are written.
     *
     * @param step only this step's logs (its name as the pipeline wrote it); null for all
     * @return the final state
     */
    public WorkflowState watch(String name, String namespace, String step, WorkflowListener listener) {
        return watch.watch(name, namespace(namespace), step, listener);
    }

    /**
     * The logs written so far by the workflow's steps, step by step in the order they started.
     *
     * @param step only this step (its name as the pipeline wrote it); null for all
     * @return how many pods' logs were read; pods that Argo's pod GC removed have none to read
     */
    public int logs(String name, String namespace, String step, WorkflowListener listener) {
        WorkflowState state = states.read(name, namespace(namespace));
        WorkflowStates.requireStep(state, step);
        return logs.read(state, step, listener);
    }

    @Override
    public void close() {
        client.close();
    }
}
