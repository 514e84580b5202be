package dev.fermion.compiler;

import dev.fermion.compiler.argo.Artifact;
import dev.fermion.compiler.argo.Inputs;
import dev.fermion.compiler.argo.Outputs;
import dev.fermion.compiler.argo.Parameter;
import dev.fermion.compiler.argo.RetryStrategy;
import dev.fermion.compiler.argo.Template;
import dev.fermion.contract.LaunchSpec;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Node;
import dev.fermion.plan.PortSpec;
import dev.fermion.plan.StepOptions;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One container template per distinct component configuration: the component class, its resolved
 * {@link StepOptions} and the set of inputs that are bound. Steps sharing a configuration share the template
 * and pass their step name as the {@value #STEP_PARAM} input. A cached step's memoization comes from
 * {@link MemoizeKeys}, its retries from {@link RetryStrategies}.
 *
 * <p>Kept in one class, though long, because the container's arguments, the template's inputs and outputs and
 * its memoization key are three views of one list of ports: each port added here must appear in all three in
 * the same order, or a cache hit would hand a step outputs of another configuration.
 */
final class ContainerTemplates {
    static final String STEP_PARAM = "fermion-step";
    /** Input of a step that reads sources, and output of the task that digests them: that digest. */
    static final String SOURCE_PARAM = "fermion-source-digest";

    private static final String SOURCE_PATH = LaunchSpec.OUTPUT_PARAMS + "/" + SOURCE_PARAM;
    private static final String SOURCE_SUFFIX = "-source";
    /** Argo parameter names cannot contain dots, so the digest of artifact {@code m} travels as {@code m-digest}. */
    static final String DIGEST_PARAM_SUFFIX = "-digest";

    static final String INLINE_PARAM_SUFFIX = "-inline";
    /** Input of a step whose image is a value known at run time ({@code StepOptions#imageFrom}). */
    static final String IMAGE_PARAM = "fermion-image";

    static final long RUN_AS = 10001L;
    /**
     * The launcher writes every output under {@value #OUTPUTS}, which the image's non-root user cannot create
     * in the root file system: an emptyDir there makes it exist, writable, in any image.
     */
    static final String OUTPUTS = LaunchSpec.ROOT + "/outputs";

    static final String OUTPUTS_VOLUME = "fermion-outputs";

    private final CompilerOptions options;
    private final String pipeline;
    private final PodResources pod;
    private final ComponentTemplates<Key> templates;
    private final ComponentTemplates<Key> sourceTemplates;

    private record Key(String component, StepOptions options, Set<String> bound, Map<String, String> inline) {}

    ContainerTemplates(CompilerOptions options, String pipeline, TemplateNames names, PodResources pod) {
        this.options = options;
        this.pipeline = pipeline;
        this.templates = new ComponentTemplates<>(names);
        this.sourceTemplates = new ComponentTemplates<>(names, SOURCE_SUFFIX);
        this.pod = pod;
    }

    /**
     * Whether {@code step} reads data from outside the pipeline that its cache key must cover: then a task
     * before it digests those sources ({@link #sourceTemplateFor}) and the step's memoize key includes the
     * digest, which Argo cannot compute itself.
     */
    static boolean digestsSources(Node.StepNode step) {
        return step.component().readsSources() && step.options().cachingEnabled();
    }

    /**
     * The artifact inputs bound to constant files, with each file's name. A raw artifact is a file where the
     * template puts it, so such an input's path is the file inside the input's directory, and the template is
     * one of its own for each set of names.
     */
    static Map<String, String> inlineFiles(Map<String, Expr> bindings) {
        Map<String, String> inline = new TreeMap<>();
        bindings.forEach((port, value) -> {
            if (value instanceof Expr.Inline file) {
                inline.put(port, file.file().name());
            }
        });
        return inline;
    }

    /** The input carrying a constant file's content in base64: {@code PORT-inline}. */
    static String inlineParam(String artifact) {
        return artifact + INLINE_PARAM_SUFFIX;
    }

    /**
     * The raw artifact holding a constant file, at {@code dir/FILE}. Argo substitutes tags in a template twice
     * (globals, then inputs) and in a task's arguments once more, so the content never appears as it is: the
     * task passes it in base64 as {@link #inlineParam}, and the raw data is an expression decoding that input,
     * evaluated in the template's last substitution, whose result Argo does not read again.
     */
    static Artifact inlineArtifact(String port, String dir, Expr.Inline inline) {
        return new Artifact(
                port,
                dir + "/" + inline.file().name(),
                null,
                new Artifact.Raw(
                        ArgoExpressions.tag("sprig.b64dec(" + ArgoExpressions.input(inlineParam(port)) + ")")));
    }

    static String digestParam(String artifact) {
        return artifact + DIGEST_PARAM_SUFFIX;
    }

    /** The template running {@code step}, created the first time its configuration is seen. */
    Template templateFor(Node.StepNode step) {
        Key key = new Key(
                step.component().className(),
                step.options(),
                new HashSet<>(step.bindings().keySet()),
                inlineFiles(step.bindings()));
        return templates.get(key, step.component(), name -> build(step, name));
    }

    /**
     * The template of the task that digests the sources of {@code step} before it runs: the same pod as the
     * step's (image, environment, volumes: the sources may be on them), running the launcher's
     * {@value LaunchSpec#SOURCE_DIGEST_FLAG} mode with the step's parameter inputs.
     */
    Template sourceTemplateFor(Node.StepNode step) {
        Key key = new Key(
                step.component().className(),
                step.options(),
                new HashSet<>(step.bindings().keySet()),
                inlineFiles(step.bindings()));
        return sourceTemplates.get(key, step.component(), name -> buildSource(step, name));
    }

    List<Template> all() {
        List<Template> all = new ArrayList<>(templates.all());
        all.addAll(sourceTemplates.all());
        return all;
    }

    private Template buildSource(Node.StepNode step, String name) {
        ComponentSpec component = step.component();
        StepOptions o = step.options();
        String where = "step '" + step.name() + "' (" + component.className() + ")";
        List<Parameter> inParams = new ArrayList<>(List.of(Parameter.declared(STEP_PARAM)));
        Map<String, String> launchParams = new TreeMap<>();
        for (PortSpec port : component.inputs()) {
            if (step.bindings().containsKey(port.name()) && !port.isArtifact()) {
                inParams.add(Parameter.declared(port.name()));
                launchParams.put(port.name(), "{{inputs.parameters." + port.name() + "}}");
            }
        }
        for (var claim : PodResources.runtimeClaims(o)) {
            inParams.add(Parameter.declared(claim.volumeName()));
        }
        if (o.imageFrom() != null) {
            inParams.add(Parameter.declared(IMAGE_PARAM));
        }
        LaunchSpec launch = new LaunchSpec(
                component.className(),
                pipeline,
                "{{inputs.parameters." + STEP_PARAM + "}}",
                "{{workflow.uid}}",
                0,
                launchParams,
                Map.of(),
                Map.of(),
                Map.of(),
                null);
        List<String> args = new ArrayList<>(List.of(LaunchSpec.SOURCE_DIGEST_FLAG, SOURCE_PATH));
        args.addAll(launch.toArgs());
        return new Template(
                name,
                new Inputs(inParams, null),
                new Outputs(List.of(Parameter.fromPath(SOURCE_PARAM, SOURCE_PATH)), null),
                pod.metadata(o, where),
                null,
                null,
                container(o, where, args),
                null,
                PodResources.sidecars(o, options.images()::apply),
                null,
                null,
                RetryStrategies.retry(o, where, true),
                o.timeout() == null
                        ? null
                        : Long.toString(Math.max(1, o.timeout().toSeconds())),
                pod.serviceAccount(o, where),
                pod.nodeSelector(o, where),
                pod.tolerations(o, where),
                pod.affinity(o, where),
                volumes(o));
    }

    /** The launcher's container for a step's pod, running it with {@code args}. */
    private Container container(StepOptions o, String where, List<String> args) {
        return new ContainerBuilder()
                .withImage(image(o, where))
                .withCommand(LaunchSpec.COMMAND)
                .withArgs(args)
                .withEnv(env(o, where))
                .withResources(pod.resources(o))
                .addToVolumeMounts(new VolumeMountBuilder()
                        .withName(OUTPUTS_VOLUME)
                        .withMountPath(OUTPUTS)
                        .build())
                .addAllToVolumeMounts(pod.mounts(o, where))
                .withSecurityContext(containerSecurity())
                .build();
    }

    /**
     * The step's own variables, then the runtime images this workflow runs (a step that deploys a model server
     * starts it from the same image its own pods were compiled for, not from the default registry's), unless the
     * step sets them itself.
     */
    private List<EnvVar> env(StepOptions o, String where) {
        List<EnvVar> env = new ArrayList<>(pod.env(o, where));
        Map<String, String> images = new LinkedHashMap<>();
        images.put(LaunchSpec.RUNTIME_IMAGE_ENV, options.image(false));
        images.put(LaunchSpec.RUNTIME_GPU_IMAGE_ENV, options.image(true));
        images.forEach((name, image) -> {
            if (env.stream().noneMatch(e -> e.getName().equals(name))) {
                env.add(new EnvVar(name, image, null));
            }
        });
        return env;
    }

    /** The template's own volumes: the outputs directory, then the claims named at run time. */
    private static List<Volume> volumes(StepOptions o) {
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder()
                .withName(OUTPUTS_VOLUME)
                .withNewEmptyDir()
                .endEmptyDir()
                .build());
        volumes.addAll(PodResources.runtimeClaimVolumes(o));
        return volumes;
    }

    private Template build(Node.StepNode step, String name) {
        ComponentSpec component = step.component();
        StepOptions o = step.options();
        String where = "step '" + step.name() + "' (" + component.className() + ")";
        Set<String> inputNames = new HashSet<>(Set.of(STEP_PARAM));
        List<Parameter> inParams = new ArrayList<>(List.of(Parameter.declared(STEP_PARAM)));
        List<Parameter> digestParams = new ArrayList<>();
        List<Artifact> inArtifacts = new ArrayList<>();
        Map<String, String> launchParams = new TreeMap<>();
        Map<String, String> launchInputs = new TreeMap<>();
        Map<String, String> keyParams = new TreeMap<>();
        Map<String, String> keyInputs = new TreeMap<>();
        for (PortSpec port : component.inputs()) {
            if (!step.bindings().containsKey(port.name())) {
                continue;
            }
            if (port.isArtifact()) {
                String path = LaunchSpec.INPUTS + "/" + port.name();
                Expr bound = step.bindings().get(port.name());
                if (bound instanceof Expr.Inline inline) {
                    unique(inputNames, inlineParam(port.name()), where, "input");
                    inParams.add(Parameter.declared(inlineParam(port.name())));
                    inArtifacts.add(inlineArtifact(port.name(), path, inline));
                } else {
                    inArtifacts.add(Artifact.atPath(port.name(), path));
                }
                launchInputs.put(port.name(), path);
                if (step.options().cachingEnabled()) {
                    String digest = digestParam(port.name());
                    unique(inputNames, digest, where, "input");
                    digestParams.add(Parameter.declared(digest));
                    keyInputs.put(port.name(), "inputs.parameters['" + digest + "']");
                }
            } else {
                unique(inputNames, port.name(), where, "input");
                inParams.add(Parameter.declared(port.name()));
                launchParams.put(port.name(), "{{inputs.parameters." + port.name() + "}}");
                keyParams.put(port.name(), ArgoExpressions.keyField(port.type(), ArgoExpressions.input(port.name())));
            }
        }
        inParams.addAll(digestParams);
        String launchedAs = "{{inputs.parameters." + STEP_PARAM + "}}";
        if (options.mlflow() != null) {
            // tracked pods run as their path, which names their MLflow child run (RunPaths)
            unique(inputNames, RunPaths.PATH, where, "input");
            inParams.add(Parameter.declared(RunPaths.PATH));
            launchedAs = "{{inputs.parameters." + RunPaths.PATH + "}}";
        }
        String sourceKey = null;
        if (digestsSources(step)) {
            unique(inputNames, SOURCE_PARAM, where, "input");
            inParams.add(Parameter.declared(SOURCE_PARAM));
            sourceKey = ArgoExpressions.input(SOURCE_PARAM);
        }
        for (var claim : PodResources.runtimeClaims(o)) {
            unique(inputNames, claim.volumeName(), where, "input");
            inParams.add(Parameter.declared(claim.volumeName()));
        }
        if (o.imageFrom() != null) {
            unique(inputNames, IMAGE_PARAM, where, "input");
            inParams.add(Parameter.declared(IMAGE_PARAM));
        }

        Set<String> outputNames = new HashSet<>();
        List<Parameter> outParams = new ArrayList<>();
        List<Artifact> outArtifacts = new ArrayList<>();
        Map<String, String> launchOutParams = new TreeMap<>();
        Map<String, String> launchOutArtifacts = new TreeMap<>();
        for (PortSpec port : component.outputs()) {
            if (port.isArtifact()) {
                String path = LaunchSpec.OUTPUT_ARTIFACTS + "/" + port.name();
                outArtifacts.add(Artifact.atPath(port.name(), path));
                launchOutArtifacts.put(port.name(), path);
                String digest = digestParam(port.name());
                unique(outputNames, digest, where, "output");
                outParams.add(Parameter.fromPath(
                        digest, LaunchSpec.OUTPUT_PARAMS + "/" + port.name() + LaunchSpec.DIGEST_SUFFIX));
            } else {
                String path = LaunchSpec.OUTPUT_PARAMS + "/" + port.name();
                unique(outputNames, port.name(), where, "output");
                outParams.add(Parameter.fromPath(port.name(), path));
                launchOutParams.put(port.name(), path);
            }
        }
        if (options.mlflow() != null && o.cachingEnabled()) {
            unique(outputNames, TrackedRuns.OUTPUT, where, "output");
            outParams.add(TrackedRuns.output());
        }

        pod.addImagePullSecrets(o, where);
        LaunchSpec launch = new LaunchSpec(
                component.className(),
                pipeline,
                launchedAs,
                "{{workflow.uid}}",
                0,
                launchParams,
                launchInputs,
                launchOutParams,
                launchOutArtifacts,
                LaunchSpec.METRICS);
        RetryStrategy retry = RetryStrategies.retry(o, where, true);
        List<String> args = new ArrayList<>(launch.toArgs());
        if (retry != null) {
            // Argo's retry counter (0 on the first try), so a step's StepContext.attempt() is the real one in a pod
            // too.
            args.addAll(List.of(LaunchSpec.ATTEMPT_FLAG, "{{retries}}"));
        }
        return new Template(
                name,
                new Inputs(inParams, inArtifacts),
                new Outputs(outParams, outArtifacts),
                pod.metadata(o, where),
                null,
                null,
                container(o, where, args),
                null,
                PodResources.sidecars(o, options.images()::apply),
                null,
                o.cachingEnabled()
                        ? MemoizeKeys.memoize(
                                component,
                                MemoizeKeys.codeDigest(component, where),
                                keyParams,
                                keyInputs,
                                sourceKey,
                                o,
                                where,
                                options.cacheConfigMap())
                        : null,
                retry,
                o.timeout() == null
                        ? null
                        : Long.toString(Math.max(1, o.timeout().toSeconds())),
                pod.serviceAccount(o, where),
                pod.nodeSelector(o, where),
                pod.tolerations(o, where),
                pod.affinity(o, where),
                volumes(o));
    }

    static void unique(Set<String> names, String name, String where, String kind) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("Cannot compile " + where + ": Argo " + kind + " parameter '" + name
                    + "' would be declared twice (Fermion uses '" + STEP_PARAM + "', '<artifact>"
                    + DIGEST_PARAM_SUFFIX + "' and '<artifact>" + INLINE_PARAM_SUFFIX
                    + "' for its own parameters); rename the port");
        }
    }

    private String image(StepOptions o, String where) {
        if (o.imageFrom() != null) {
            return imageInput();
        }
        if (o.image() != null) {
            return PodResources.plain(options.images().apply(o.image()), "image of " + where);
        }
        return options.image(o.wantsGpu());
    }

    /**
     * The image of a step whose image is a value known at run time: its {@value #IMAGE_PARAM} input, as written,
     * evaluated into the one field when Argo creates the pod.
     */
    static String imageInput() {
        return ArgoExpressions.tag(ArgoExpressions.disarmed(ArgoExpressions.input(IMAGE_PARAM)));
    }

    static SecurityContext containerSecurity() {
        return new SecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUN_AS)
                .withRunAsGroup(RUN_AS)
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build();
    }
}
