package dev.fermion.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fermion.compiler.ArgoCompiler;
import dev.fermion.compiler.CompiledWorkflow;
import dev.fermion.compiler.WorkflowKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Fermion's one door to a Kubernetes cluster running Argo Workflows: creates Workflows, applies
 * WorkflowTemplates and CronWorkflows, reads a workflow's state, and follows a run with its pods' logs.
 * Every failure of the API comes out as a {@link ClusterException} whose message says what to do.
 */
public final class ArgoCluster implements AutoCloseable {
    /** The label Argo puts on every pod of a workflow. */
    public static final String WORKFLOW_LABEL = "workflows.argoproj.io/workflow";
    /** The annotation naming the workflow node a pod runs. */
    public static final String NODE_NAME_ANNOTATION = "workflows.argoproj.io/node-name";
    /** Argo runs the step's own process in this container; the others are Argo's. */
    public static final String MAIN_CONTAINER = "main";
    static final ResourceDefinitionContext WORKFLOWS = argo("Workflow", "workflows");
    static final ResourceDefinitionContext TEMPLATES = argo("WorkflowTemplate", "workflowtemplates");
    static final ResourceDefinitionContext CRON_WORKFLOWS = argo("CronWorkflow", "cronworkflows");
    /** A command line should say at once that the cluster is down, not retry with backoff for minutes. */
    private static final int RETRIES = 1;
    /** Log streams end when their containers do; this bounds the wait for a stream the server keeps open. */
    private static final long LOG_DRAIN_SECONDS = 30;
    private static final int LOG_ATTEMPTS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    /** Where the connection settings came from, so a failure to connect can say what to fix. */
    private final String origin;

    public ArgoCluster(KubernetesClient client) {
        this(client, "the client's configuration");
    }

    private ArgoCluster(KubernetesClient client, String origin) {
        this.client = Objects.requireNonNull(client, "client");
        this.origin = origin;
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
                    throw new ClusterException(ClusterException.Reason.UNREACHABLE,
                            "the kubeconfig " + kubeconfig + " does not exist", null);
                }
                config = Config.fromKubeconfig(context, kubeconfig.toFile());
            } else {
                config = Config.autoConfigure(context);
            }
        } catch (KubernetesClientException | IllegalArgumentException e) {
            throw new ClusterException(ClusterException.Reason.UNREACHABLE, "cannot use the kubeconfig"
                    + (kubeconfig == null ? "" : " " + kubeconfig)
                    + (context == null ? "" : " with context '" + context + "'") + ": " + e.getMessage(), e);
        }
        config.setRequestRetryBackoffLimit(RETRIES);
        return new ArgoCluster(new KubernetesClientBuilder().withConfig(config).build(), origin(kubeconfig, context));
    }

    private static String origin(Path kubeconfig, String context) {
        String variable = System.getenv("KUBECONFIG");
        Path standard = Path.of(System.getProperty("user.home"), ".kube", "config");
        String file = kubeconfig != null ? "the kubeconfig " + kubeconfig
                : variable != null && !variable.isBlank() ? "the kubeconfig in KUBECONFIG (" + variable + ")"
                : Files.isRegularFile(standard) ? "the kubeconfig " + standard
                : null;
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
        String ns = namespace(namespace);
        ResourceDefinitionContext type = type(compiled.kind());
        GenericKubernetesResource object = parse(compiled, ns);
        GenericKubernetesResource created = call("create", type, ns, compiled.name(),
                () -> resources(type, ns).resource(object).create());
        return new Submitted(compiled.kind(), type.getKind(), created.getMetadata().getName(), ns, true);
    }

    /**
     * Creates a Workflow that runs the WorkflowTemplate {@code template} of the namespace, as {@link #apply} left it,
     * with {@code arguments} (name to value, in the transport form the compiler writes) in place of its defaults.
     * The Workflow refers to the template, so Argo runs what the cluster holds and checks the arguments against it.
     *
     * @param labels labels of the Workflow, such as the pipeline's
     */
    public Submitted submitFromTemplate(String template, String namespace, Map<String, String> arguments,
                                        Map<String, String> labels) {
        String ns = namespace(namespace);
        GenericKubernetesResource found = call("get", TEMPLATES, ns, template,
                () -> resources(TEMPLATES, ns).withName(template).get());
        if (found == null) {
            throw new ClusterException(ClusterException.Reason.NOT_FOUND, "no WorkflowTemplate named '" + template
                    + "' in namespace " + ns + ": create it with 'fermion templates apply " + template + " -n " + ns + "'", null);
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("workflowTemplateRef", Map.of("name", template));
        if (!arguments.isEmpty()) {
            spec.put("arguments", Map.of("parameters", parameters(arguments)));
        }
        return createWorkflow(template, ns, labels, Map.of(), spec, null);
    }

    /**
     * Creates a Workflow from the CronWorkflow {@code cron} now, as its schedule would: its workflow spec, labels and
     * annotations, owned by the CronWorkflow and labelled with its name as Argo labels the runs it schedules
     * (what {@code argo submit --from cronwf/NAME} does), with {@code arguments} in place of its defaults.
     */
    public Submitted trigger(String cron, String namespace, Map<String, String> arguments) {
        String ns = namespace(namespace);
        GenericKubernetesResource found = call("get", CRON_WORKFLOWS, ns, cron,
                () -> resources(CRON_WORKFLOWS, ns).withName(cron).get());
        if (found == null) {
            throw new ClusterException(ClusterException.Reason.NOT_FOUND, "no CronWorkflow named '" + cron
                    + "' in namespace " + ns + ": create it with 'fermion templates apply " + cron + " -n " + ns + "'", null);
        }
        JsonNode cronSpec = JSON.valueToTree(found.getAdditionalProperties().get("spec"));
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = JSON.convertValue(cronSpec.path("workflowSpec"), Map.class);
        if (spec == null) {
            throw new ClusterException(ClusterException.Reason.REJECTED, "CronWorkflow '" + cron + "' in namespace " + ns
                    + " has no workflowSpec", null);
        }
        if (!arguments.isEmpty()) {
            Map<String, String> merged = new LinkedHashMap<>();
            for (JsonNode p : cronSpec.path("workflowSpec").path("arguments").path("parameters")) {
                merged.put(p.path("name").asText(), p.path("value").asText());
            }
            arguments.forEach((name, value) -> {
                if (!merged.containsKey(name)) {
                    throw new ClusterException(ClusterException.Reason.REJECTED, "CronWorkflow '" + cron + "' has no "
                            + "parameter '" + name + "'; its parameters are " + merged.keySet(), null);
                }
                merged.put(name, value);
            });
            spec.put("arguments", Map.of("parameters", parameters(merged)));
        }
        JsonNode metadata = cronSpec.path("workflowMetadata");
        Map<String, String> labels = new LinkedHashMap<>(strings(metadata.path("labels")));
        labels.put(CRON_LABEL, cron);
        OwnerReference owner = new OwnerReferenceBuilder()
                .withApiVersion(found.getApiVersion()).withKind(found.getKind()).withName(cron)
                .withUid(found.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build();
        return createWorkflow(cron, ns, labels, strings(metadata.path("annotations")), spec, owner);
    }

    /** The label Argo puts on the Workflows a CronWorkflow creates: the CronWorkflow's name. */
    public static final String CRON_LABEL = "workflows.argoproj.io/cron-workflow";

    private Submitted createWorkflow(String base, String ns, Map<String, String> labels, Map<String, String> annotations,
                                     Map<String, Object> spec, OwnerReference owner) {
        GenericKubernetesResource workflow = new GenericKubernetesResource();
        workflow.setApiVersion("argoproj.io/v1alpha1");
        workflow.setKind("Workflow");
        workflow.setMetadata(new ObjectMetaBuilder().withGenerateName(base + "-")
                .withNamespace(ns).withLabels(labels).withAnnotations(annotations)
                .withOwnerReferences(owner == null ? List.of() : List.of(owner))
                .build());
        workflow.setAdditionalProperty("spec", spec);
        GenericKubernetesResource created = call("create", WORKFLOWS, ns, base,
                () -> resources(WORKFLOWS, ns).resource(workflow).create());
        return new Submitted(WorkflowKind.WORKFLOW, "Workflow", created.getMetadata().getName(), ns, true);
    }

    private static List<Map<String, String>> parameters(Map<String, String> values) {
        List<Map<String, String>> list = new ArrayList<>();
        values.forEach((name, value) -> list.add(Map.of("name", name, "value", value)));
        return list;
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    /** Creates the WorkflowTemplate or CronWorkflow, or replaces the one of that name. */
    public Submitted apply(CompiledWorkflow compiled, String namespace) {
        if (compiled.kind() == WorkflowKind.WORKFLOW) {
            throw new IllegalArgumentException("a Workflow runs once and cannot be applied; submit it");
        }
        String ns = namespace(namespace);
        ResourceDefinitionContext type = type(compiled.kind());
        GenericKubernetesResource object = parse(compiled, ns);
        String name = object.getMetadata().getName();
        NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
                resources = resources(type, ns);
        GenericKubernetesResource existing = call("get", type, ns, name, () -> resources.withName(name).get());
        if (existing == null) {
            call("create", type, ns, name, () -> resources.resource(object).create());
            return new Submitted(compiled.kind(), type.getKind(), name, ns, true);
        }
        // replacing needs the version we read, so a change made meanwhile by someone else is refused, not lost
        object.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        call("update", type, ns, name, () -> resources.resource(object).update());
        return new Submitted(compiled.kind(), type.getKind(), name, ns, false);
    }

    /** The workflow's current state. */
    public WorkflowState status(String name, String namespace) {
        String ns = namespace(namespace);
        return state(workflow(name, ns), ns);
    }

    /**
     * Follows a workflow until it ends: every change goes to {@code listener}, and so do the log lines of
     * its steps' {@code main} containers as they are written.
     *
     * @param step only this step's logs (its name as the pipeline wrote it); null for all
     * @return the final state
     */
    public WorkflowState watch(String name, String namespace, String step, WorkflowListener listener) {
        String ns = namespace(namespace);
        workflow(name, ns);
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Watch watch = openWatch(name, ns, events);
        try (LogFollowers logs = new LogFollowers(name, ns, step, listener)) {
            while (true) {
                Event event = take(events, name);
                if (event.closedBy() != null) {
                    if (!event.closedBy().isHttpGone()) {
                        throw translate(event.closedBy().asClientException(), "watch", WORKFLOWS, ns, name);
                    }
                    // the server forgot the version we watched from; a fresh watch starts with the current state
                    watch.close();
                    watch = openWatch(name, ns, events);
                    continue;
                }
                if (event.action() == Watcher.Action.DELETED) {
                    throw new ClusterException(ClusterException.Reason.NOT_FOUND, "workflow '" + name
                            + "' in namespace " + ns + " was deleted before it finished", null);
                }
                if (event.action() != Watcher.Action.ADDED && event.action() != Watcher.Action.MODIFIED) {
                    continue;
                }
                WorkflowState state = state(event.resource(), ns);
                listener.changed(state);
                logs.follow(state);
                if (state.finished()) {
                    logs.drain();
                    return state;
                }
            }
        } finally {
            watch.close();
        }
    }

    /**
     * The logs written so far by the workflow's steps, step by step in the order they started.
     *
     * @param step only this step (its name as the pipeline wrote it); null for all
     * @return how many pods' logs were read; pods that Argo's pod GC removed have none to read
     */
    public int logs(String name, String namespace, String step, WorkflowListener listener) {
        String ns = namespace(namespace);
        WorkflowState state = state(workflow(name, ns), ns);
        requireStep(state, step);
        Map<String, Pod> pods = podsByNode(name, ns);
        int read = 0;
        for (StepState node : state.nodes()) {
            Pod pod = pods.get(node.name());
            if (node.isPod() && matches(node, step) && pod != null) {
                String podName = pod.getMetadata().getName();
                try {
                    String log = call("read the log of", PODS, ns, podName, () -> client.pods()
                            .inNamespace(ns).withName(podName).inContainer(MAIN_CONTAINER).getLog());
                    emit(new StringReader(log == null ? "" : log), node.label(), listener);
                    read++;
                } catch (ClusterException e) {
                    if (e.reason() != ClusterException.Reason.NOT_FOUND) {
                        throw e;
                    }
                    listener.log(node.label(), "(" + e.getMessage() + ")");
                }
            }
        }
        return read;
    }

    @Override
    public void close() {
        client.close();
    }

    private static final ResourceDefinitionContext PODS = new ResourceDefinitionContext.Builder()
            .withGroup("").withVersion("v1").withKind("Pod").withPlural("pods").withNamespaced(true).build();

    private static ResourceDefinitionContext argo(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("argoproj.io").withVersion("v1alpha1")
                .withKind(kind).withPlural(plural).withNamespaced(true).build();
    }

    private static ResourceDefinitionContext type(WorkflowKind kind) {
        return switch (kind) {
            case WORKFLOW -> WORKFLOWS;
            case TEMPLATE -> TEMPLATES;
            case CRON -> CRON_WORKFLOWS;
        };
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            resources(ResourceDefinitionContext type, String ns) {
        return client.genericKubernetesResources(type).inNamespace(ns);
    }

    private GenericKubernetesResource parse(CompiledWorkflow compiled, String ns) {
        GenericKubernetesResource object = client.getKubernetesSerialization()
                .unmarshal(compiled.yaml(), GenericKubernetesResource.class);
        object.getMetadata().setNamespace(ns);
        return object;
    }

    private GenericKubernetesResource workflow(String name, String ns) {
        var workflows = resources(WORKFLOWS, ns);
        GenericKubernetesResource found = call("get", WORKFLOWS, ns, name, () -> workflows.withName(name).get());
        if (found == null) {
            // a GET answers 404 both for a missing workflow and for a cluster without Argo; only the latter fails a list
            call("list", WORKFLOWS, ns, null, () -> workflows.list(new ListOptionsBuilder().withLimit(1L).build()));
            throw new ClusterException(ClusterException.Reason.NOT_FOUND, "no workflow named '" + name
                    + "' in namespace " + ns + " (list them with 'kubectl get workflows -n " + ns + "')", null);
        }
        return found;
    }

    private static WorkflowState state(GenericKubernetesResource workflow, String ns) {
        JsonNode status = JSON.valueToTree(workflow.getAdditionalProperties().get("status"));
        List<StepState> nodes = new ArrayList<>();
        JsonNode nodeMap = status == null ? null : status.path("nodes");
        if (nodeMap != null && nodeMap.isObject()) {
            for (Map.Entry<String, JsonNode> entry : nodeMap.properties()) {
                JsonNode node = entry.getValue();
                nodes.add(new StepState(entry.getKey(), text(node, "name"), displayName(node), text(node, "type"),
                        text(node, "phase"), text(node, "startedAt"), text(node, "finishedAt"), text(node, "message"),
                        node.path("memoizationStatus").path("hit").asBoolean(false)));
            }
        }
        return new WorkflowState(workflow.getMetadata().getName(), ns, text(status, "phase"), text(status, "startedAt"),
                text(status, "finishedAt"), text(status, "message"), text(status, "progress"), nodes);
    }

    /**
     * The step's name as the pipeline wrote it. Argo shows the attempts of a cached and retried step as
     * {@code fermion--retried(N)} (the task inside the step's memoized template): they are the attempts of the step
     * whose node encloses them, {@code <step>(N)}.
     */
    static String displayName(JsonNode node) {
        String display = text(node, "displayName");
        String name = text(node, "name");
        String inner = "." + ArgoCompiler.RETRIED_TASK;
        if (display == null || name == null || !display.startsWith(ArgoCompiler.RETRIED_TASK)
                || name.lastIndexOf(inner) < 0) {
            return display;
        }
        String step = name.substring(0, name.lastIndexOf(inner));
        return step.substring(step.lastIndexOf('.') + 1) + display.substring(ArgoCompiler.RETRIED_TASK.length());
    }

    private static String text(JsonNode node, String field) {
        if (node == null || !node.hasNonNull(field)) {
            return null;
        }
        String value = node.get(field).asText();
        return value.isEmpty() ? null : value;
    }

    private static void requireStep(WorkflowState state, String step) {
        if (step != null && state.nodes().stream().noneMatch(n -> matches(n, step))) {
            throw new ClusterException(ClusterException.Reason.NOT_FOUND, "workflow '" + state.name()
                    + "' has no step '" + step + "' yet; its steps so far: "
                    + state.steps().stream().map(StepState::label).distinct().toList(), null);
        }
    }

    /**
     * A loop's iterations are shown as {@code step(0:value)} and the compiler's tasks for a step as
     * {@code step/source-digest}; naming the step selects all of them.
     */
    static boolean matches(StepState node, String step) {
        String label = node.label();
        return step == null || step.equals(label) || step.equals(node.displayName()) || step.equals(node.name())
                || (label != null && (label.startsWith(step + "(") || label.startsWith(step + "/")))
                || (node.name() != null && node.name().endsWith("." + step));
    }

    private Map<String, Pod> podsByNode(String workflow, String ns) {
        List<Pod> pods = call("list", PODS, ns, null,
                () -> client.pods().inNamespace(ns).withLabel(WORKFLOW_LABEL, workflow).list().getItems());
        Map<String, Pod> byNode = new HashMap<>();
        for (Pod pod : pods) {
            Map<String, String> annotations = pod.getMetadata().getAnnotations();
            String node = annotations == null ? null : annotations.get(NODE_NAME_ANNOTATION);
            if (node != null) {
                byNode.merge(node, pod, (a, b) -> Comparator.comparing((Pod p) -> p.getMetadata().getName())
                        .compare(a, b) <= 0 ? a : b);
            }
        }
        return byNode;
    }

    private static void emit(Reader text, String step, WorkflowListener listener) {
        try (BufferedReader lines = new BufferedReader(text)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!isExecutorLine(line)) {
                    listener.log(step, line);
                }
            }
        } catch (IOException e) {
            listener.log(step, "(the log stream broke off: " + e.getMessage() + ")");
        }
    }

    /**
     * Argo's emissary executor wraps the step's command in the main container and logs its own lines there, in
     * logfmt marked {@code argo=true} ("waiting for signals", "sub-process exited", ...): they are left out, so a
     * failed step's last lines are the step's own.
     */
    static boolean isExecutorLine(String line) {
        return line.startsWith("time=") && EXECUTOR_FIELD.matcher(line).find();
    }

    private static final java.util.regex.Pattern EXECUTOR_FIELD = java.util.regex.Pattern.compile(" argo=true( |$)");

    private record Event(Watcher.Action action, GenericKubernetesResource resource, WatcherException closedBy) { }

    private Watch openWatch(String name, String ns, BlockingQueue<Event> events) {
        return call("watch", WORKFLOWS, ns, name, () -> resources(WORKFLOWS, ns).withName(name)
                .watch(new Watcher<GenericKubernetesResource>() {
                    @Override
                    public void eventReceived(Action action, GenericKubernetesResource resource) {
                        events.add(new Event(action, resource, null));
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        events.add(new Event(null, null, cause));
                    }
                }));
    }

    private static Event take(BlockingQueue<Event> events, String name) {
        try {
            return events.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(ClusterException.Reason.FAILED, "stopped watching workflow '" + name
                    + "': interrupted; the workflow goes on running", e);
        }
    }

    /** One reader thread per pod, started once the pod runs, so long steps show their output as it comes. */
    private final class LogFollowers implements AutoCloseable {
        private final String workflow;
        private final String ns;
        private final String step;
        private final WorkflowListener listener;
        private final Set<String> coveredNodes = new HashSet<>();
        private final List<Thread> readers = new ArrayList<>();
        private final Set<LogWatch> open = ConcurrentHashMap.newKeySet();

        LogFollowers(String workflow, String ns, String step, WorkflowListener listener) {
            this.workflow = workflow;
            this.ns = ns;
            this.step = step;
            this.listener = listener;
        }

        void follow(WorkflowState state) {
            List<StepState> started = state.nodes().stream()
                    .filter(n -> n.isPod() && matches(n, step) && !coveredNodes.contains(n.name()))
                    .filter(n -> n.phase() != null && !"Pending".equals(n.phase()))
                    .toList();
            if (started.isEmpty()) {
                return;
            }
            Map<String, Pod> pods = podsByNode(workflow, ns);
            for (StepState node : started) {
                Pod pod = pods.get(node.name());
                String phase = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPhase();
                if (phase == null || "Pending".equals(phase)) {
                    continue;
                }
                coveredNodes.add(node.name());
                String podName = pod.getMetadata().getName();
                boolean live = "Running".equals(phase);
                Thread reader = new Thread(() -> read(podName, node.label(), live), "fermion-log-" + podName);
                reader.setDaemon(true);
                readers.add(reader);
                reader.start();
            }
        }

        private void read(String pod, String stepName, boolean live) {
            var container = client.pods().inNamespace(ns).withName(pod).inContainer(MAIN_CONTAINER);
            for (int attempt = 1; ; attempt++) {
                try {
                    if (live) {
                        LogWatch logWatch = container.watchLog();
                        open.add(logWatch);
                        try {
                            emit(new InputStreamReader(logWatch.getOutput(), StandardCharsets.UTF_8), stepName, listener);
                        } finally {
                            open.remove(logWatch);
                            logWatch.close();
                        }
                    } else {
                        String log = container.getLog();
                        emit(new StringReader(log == null ? "" : log), stepName, listener);
                    }
                    return;
                } catch (KubernetesClientException e) {
                    // the request failed before any line arrived (e.g. its pooled connection had been closed), so
                    // asking again shows no line twice
                    if (attempt < LOG_ATTEMPTS && e.getCode() < 100) {
                        continue;
                    }
                    listener.log(stepName, "(cannot read the log of pod " + pod + ": " + e.getMessage() + ")");
                    return;
                }
            }
        }

        /** Lets every stream finish, since a step's last lines often say why it failed. */
        void drain() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOG_DRAIN_SECONDS);
            for (Thread reader : readers) {
                long left = deadline - System.nanoTime();
                try {
                    if (left > 0) {
                        reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        @Override
        public void close() {
            open.forEach(LogWatch::close);
        }
    }

    private <T> T call(String verb, ResourceDefinitionContext type, String ns, String name, Supplier<T> action) {
        try {
            return action.get();
        } catch (KubernetesClientException e) {
            throw translate(e, verb, type, ns, name);
        }
    }

    private ClusterException translate(KubernetesClientException e, String verb, ResourceDefinitionContext type,
                                       String ns, String name) {
        String what = type.getGroup().isEmpty() ? type.getPlural() : type.getPlural() + "." + type.getGroup();
        String detail = e.getStatus() != null && e.getStatus().getMessage() != null && !e.getStatus().getMessage().isBlank()
                ? e.getStatus().getMessage() : e.getMessage();
        int code = e.getCode();
        if (code < 100) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return new ClusterException(ClusterException.Reason.UNREACHABLE, "cannot reach the Kubernetes API server at "
                    + client.getMasterUrl() + " (" + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage()) + "), taken from " + origin
                    + ": check that the cluster is up and that this is the cluster you mean", e);
        }
        if (code == 404 && type == PODS) {
            return new ClusterException(ClusterException.Reason.NOT_FOUND, "pod '" + name + "' is gone (Argo's pod "
                    + "garbage collection removes pods once their workflow ends, if it is configured to)", e);
        }
        return switch (code) {
            case 401 -> new ClusterException(ClusterException.Reason.UNAUTHENTICATED, "the Kubernetes API server at "
                    + client.getMasterUrl() + " rejected your credentials (401 Unauthorized): log in to the cluster "
                    + "again or refresh your kubeconfig", e);
            case 403 -> new ClusterException(ClusterException.Reason.FORBIDDEN, "not allowed to " + verb + " " + what
                    + " in namespace " + ns + " (403 Forbidden: " + detail + "): ask your cluster administrator for a "
                    + "Role that grants '" + verb + "' on " + what + " there, or choose another namespace with --namespace", e);
            case 404 -> new ClusterException(ClusterException.Reason.ARGO_MISSING, "the cluster at " + client.getMasterUrl()
                    + " has no " + what + " resource (404 on " + (type.getGroup().isEmpty() ? "" : type.getGroup() + "/")
                    + type.getVersion() + "): Argo Workflows is not installed there or its CRDs are missing; install "
                    + "Argo Workflows v3.6 or newer first", e);
            case 409 -> new ClusterException(ClusterException.Reason.ALREADY_EXISTS, "a " + type.getKind() + " named '"
                    + name + "' already exists in namespace " + ns + " or was changed meanwhile (409 Conflict)", e);
            case 400, 422 -> new ClusterException(ClusterException.Reason.REJECTED, "the cluster refused to " + verb + " "
                    + type.getKind() + " '" + name + "' (" + code + "): " + detail, e);
            default -> new ClusterException(ClusterException.Reason.FAILED, "cannot " + verb + " " + what + " in namespace "
                    + ns + " (" + code + "): " + detail, e);
        };
    }
}
