package dev.fermion.compiler;

import dev.fermion.compiler.argo.ArgoYaml;
import dev.fermion.compiler.argo.Arguments;
import dev.fermion.compiler.argo.ArtifactRepositoryRef;
import dev.fermion.compiler.argo.CronWorkflowSpec;
import dev.fermion.compiler.argo.Metadata;
import dev.fermion.compiler.argo.Parameter;
import dev.fermion.compiler.argo.Resource;
import dev.fermion.compiler.argo.ResourceMeta;
import dev.fermion.compiler.argo.WorkflowSpec;
import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.Lifecycle;
import dev.fermion.plan.ParamSpec;
import dev.fermion.plan.Plan;
import dev.fermion.plan.Schedule;
import dev.fermion.types.ValueType;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles a {@link Plan} to an Argo Workflow, WorkflowTemplate or CronWorkflow (Argo v3.6+ and v4).
 * The output is deterministic: the same plan and options always give the same YAML, byte for byte.
 */
public final class ArgoCompiler {
    public static final String PIPELINE_LABEL = "fermion.dev/pipeline";
    /**
     * The task, inside the memoized template of a cached and retried step, that runs the step's retried pod
     * template: its nodes are named {@code <step node>.fermion--retried(<attempt>)}. A step name has no double
     * dash, so no step of a pipeline is named so.
     */
    public static final String RETRIED_TASK = "fermion--retried";

    static final String EXPERIMENT_ANNOTATION = "fermion.dev/experiment";
    static final String VERSION_ANNOTATION = "fermion.dev/pipeline-version";
    static final String DESCRIPTION_ANNOTATION = "workflows.argoproj.io/description";
    /** Kubernetes limits CronWorkflow names so that the Workflows it creates still fit 63 characters. */
    static final int MAX_CRON_NAME = 52;

    private final CompilerOptions options;

    public ArgoCompiler(CompilerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * @param paramOverrides raw text values given with {@code -p name=value}; they become the values of
     *                       {@code spec.arguments.parameters}
     * @throws IllegalArgumentException  for an unknown or ill-typed override, a missing required parameter, a
     *                                   cron kind without schedule, or settings Argo cannot express safely
     * @throws WorkflowTooLargeException if the result is over Argo's 1 MiB object limit
     */
    public CompiledWorkflow compile(Plan plan, WorkflowKind kind, Map<String, String> paramOverrides) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(kind, "kind");
        Map<String, String> overrides = paramOverrides == null ? Map.of() : paramOverrides;
        Schedule schedule = null;
        if (kind == WorkflowKind.CRON) {
            schedule = plan.schedule()
                    .orElseThrow(() -> new IllegalArgumentException("Pipeline '" + plan.name()
                            + "' has no schedule, so it cannot be compiled as a CronWorkflow: add "
                            + ".schedule(Schedule.cron(\"0 3 * * *\")) to Pipeline.named(\"" + plan.name()
                            + "\"), or compile it as a workflow or template"));
            if (plan.name().length() > MAX_CRON_NAME) {
                throw new IllegalArgumentException("Pipeline name '" + plan.name() + "' has "
                        + plan.name().length() + " characters; a CronWorkflow name may have at most " + MAX_CRON_NAME
                        + ": shorten the name");
            }
        }
        List<Parameter> parameters = parameters(plan, kind, overrides);

        TemplateNames names = new TemplateNames();
        PodResources pod = new PodResources(
                options.mlflow() == null ? List.of() : options.mlflow().env(experiment(plan)));
        ContainerTemplates containers = new ContainerTemplates(options, plan.name(), names, pod);
        ContainerStepTemplates containerSteps = new ContainerStepTemplates(options, names, pod);
        ResourceTemplates resources = new ResourceTemplates(names, pod);
        GraphCompiler.Result graphs =
                new GraphCompiler(plan, names, containers, containerSteps, resources, options).compile();

        Lifecycle lifecycle = plan.lifecycle();
        WorkflowSpec spec = new WorkflowSpec(
                graphs.entrypoint(),
                graphs.onExit(),
                new Arguments(parameters, null),
                PodResources.plain(options.serviceAccount(), "service account"),
                podSecurity(),
                artifactRepository(),
                pod.imagePullSecrets(),
                pod.volumes(),
                seconds(lifecycle.timeout()),
                ttl(lifecycle),
                lifecycle.podGc() == null ? null : new WorkflowSpec.PodGC(podGc(lifecycle.podGc())),
                graphs.templates());
        Map<String, String> labels = new TreeMap<>(Map.of(PIPELINE_LABEL, plan.name()));
        Map<String, String> annotations = annotations(plan);
        String namespace = PodResources.plain(options.namespace(), "namespace");
        Resource resource = switch (kind) {
            case WORKFLOW ->
                new Resource(
                        Resource.API_VERSION,
                        "Workflow",
                        new ResourceMeta(null, plan.name() + "-", namespace, labels, annotations),
                        spec);
            case TEMPLATE ->
                new Resource(
                        Resource.API_VERSION,
                        "WorkflowTemplate",
                        new ResourceMeta(plan.name(), null, namespace, labels, annotations),
                        spec);
            case CRON ->
                new Resource(
                        Resource.API_VERSION,
                        "CronWorkflow",
                        new ResourceMeta(plan.name(), null, namespace, labels, annotations),
                        cronSpec(schedule, new Metadata(labels, null), spec));
        };

        // Argo's limit applies to the object as the API server stores it, JSON; the YAML's indentation is free.
        ArgoYaml.Written written = ArgoYaml.write(resource);
        if (written.jsonBytes() > WorkflowTooLargeException.LIMIT_BYTES) {
            throw new WorkflowTooLargeException(plan.name(), written.jsonBytes());
        }
        return new CompiledWorkflow(kind, plan.name(), written.yaml(), written.jsonBytes());
    }

    private static List<Parameter> parameters(Plan plan, WorkflowKind kind, Map<String, String> overrides) {
        Set<String> unknown = new HashSet<>(overrides.keySet());
        List<Parameter> parameters = new ArrayList<>();
        for (ParamSpec spec : plan.params()) {
            unknown.remove(spec.name());
            String value;
            if (overrides.containsKey(spec.name())) {
                value = override(plan, spec, overrides.get(spec.name()));
            } else if (spec.defaultValue() != null) {
                value = ValueCodec.armour(ValueCodec.encode(spec.type(), spec.defaultValue()));
            } else if (kind == WorkflowKind.TEMPLATE) {
                value = null;
            } else {
                throw new IllegalArgumentException(
                        "Parameter '" + spec.name() + "' (" + spec.type().displayName()
                                + ") of pipeline '" + plan.name() + "' has no default value: give one with -p "
                                + spec.name() + "=VALUE, or compile a template and set it at submit time");
            }
            List<String> allowed = spec.type().kind() == ValueType.Kind.ENUM
                    ? Arrays.stream(spec.type().rawType().getEnumConstants())
                            .map(c -> ((Enum<?>) c).name())
                            .toList()
                    : null;
            String description =
                    spec.description() == null || spec.description().isBlank()
                            ? null
                            : ValueCodec.armour(spec.description());
            parameters.add(new Parameter(spec.name(), value, null, allowed, description, null, null));
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown parameter" + (unknown.size() > 1 ? "s " : " ")
                    + new java.util.TreeSet<>(unknown) + " for pipeline '" + plan.name() + "'; its parameters are "
                    + plan.params().stream()
                            .map(p -> p.name() + " (" + p.type().displayName() + ")")
                            .toList());
        }
        return parameters;
    }

    /** Checks an override against the parameter's type and writes it the canonical way. */
    private static String override(Plan plan, ParamSpec spec, String text) {
        Object value;
        try {
            value = ValueCodec.decode(spec.type(), text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Parameter '" + spec.name() + "' of pipeline '" + plan.name() + "' expects "
                            + spec.type().displayName() + ": " + e.getMessage(),
                    e);
        }
        return ValueCodec.armour(ValueCodec.encode(spec.type(), value));
    }

    private static Long seconds(java.time.Duration d) {
        return d == null ? null : (Long) Math.max(1, d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0));
    }

    private static WorkflowSpec.TtlStrategy ttl(Lifecycle lifecycle) {
        if (lifecycle.ttlAfterCompletion() == null
                && lifecycle.ttlAfterSuccess() == null
                && lifecycle.ttlAfterFailure() == null) {
            return null;
        }
        return new WorkflowSpec.TtlStrategy(
                seconds(lifecycle.ttlAfterCompletion()),
                seconds(lifecycle.ttlAfterSuccess()),
                seconds(lifecycle.ttlAfterFailure()));
    }

    private static String podGc(Lifecycle.PodGc gc) {
        return switch (gc) {
            case ON_POD_COMPLETION -> "OnPodCompletion";
            case ON_POD_SUCCESS -> "OnPodSuccess";
            case ON_WORKFLOW_COMPLETION -> "OnWorkflowCompletion";
            case ON_WORKFLOW_SUCCESS -> "OnWorkflowSuccess";
        };
    }

    /** The experiment a pipeline's runs are tracked in, the same locally and on the cluster. */
    static String experiment(Plan plan) {
        return plan.experiment() == null || plan.experiment().isBlank() ? plan.name() : plan.experiment();
    }

    private static Map<String, String> annotations(Plan plan) {
        Map<String, String> annotations = new TreeMap<>();
        annotations.put(EXPERIMENT_ANNOTATION, PodResources.plain(plan.experiment(), "experiment name"));
        annotations.put(VERSION_ANNOTATION, PodResources.plain(plan.version(), "pipeline version"));
        if (plan.description() != null && !plan.description().isBlank()) {
            annotations.put(DESCRIPTION_ANNOTATION, PodResources.plain(plan.description(), "pipeline description"));
        }
        return annotations;
    }

    /**
     * Every pod runs as a fixed non-root user; the group owns mounted volumes so the step can write them. The
     * runtime's default seccomp profile is what Kubernetes' "restricted" Pod Security Standard asks of a pod;
     * set at pod level it covers Argo's own init and wait containers too.
     */
    private static PodSecurityContext podSecurity() {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(ContainerTemplates.RUN_AS)
                .withRunAsGroup(ContainerTemplates.RUN_AS)
                .withFsGroup(ContainerTemplates.RUN_AS)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build();
    }

    private ArtifactRepositoryRef artifactRepository() {
        String ref = options.artifactRepositoryRef();
        if (ref == null || ref.isBlank()) {
            return null;
        }
        PodResources.plain(ref, "artifact repository reference");
        int slash = ref.indexOf('/');
        return slash < 0
                ? new ArtifactRepositoryRef(ref, null)
                : new ArtifactRepositoryRef(ref.substring(0, slash), ref.substring(slash + 1));
    }

    private static CronWorkflowSpec cronSpec(Schedule schedule, Metadata workflowMetadata, WorkflowSpec spec) {
        String policy = switch (schedule.concurrency()) {
            case ALLOW -> "Allow";
            case FORBID -> "Forbid";
            case REPLACE -> "Replace";
        };
        List<String> crons = schedule.crons().stream()
                .map(c -> PodResources.plain(c, "cron expression"))
                .toList();
        return new CronWorkflowSpec(
                crons,
                PodResources.plain(schedule.timezone(), "time zone"),
                policy,
                schedule.startingDeadlineSeconds(),
                schedule.successfulJobsHistoryLimit(),
                schedule.failedJobsHistoryLimit(),
                workflowMetadata,
                spec);
    }
}
