package dev.fermion.compiler;

import dev.fermion.compiler.argo.Artifact;
import dev.fermion.compiler.argo.Inputs;
import dev.fermion.compiler.argo.Memoize;
import dev.fermion.compiler.argo.Outputs;
import dev.fermion.compiler.argo.Parameter;
import dev.fermion.compiler.argo.RetryStrategy;
import dev.fermion.compiler.argo.Template;
import dev.fermion.contract.CacheKey;
import dev.fermion.contract.CodeDigest;
import dev.fermion.contract.LaunchSpec;
import dev.fermion.dsl.StepOptions;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Node;
import dev.fermion.plan.PortSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One container template per distinct component configuration: the component class, its resolved
 * {@link StepOptions} and the set of inputs that are bound. Steps sharing a configuration share the template
 * and pass their step name as the {@value #STEP_PARAM} input.
 *
 * <h2>Memoization key</h2>
 * A cached step's {@code memoize.key} is {@link CacheKey#compute} evaluated by Argo:
 * <pre>{{=sprig.sha256sum('fermion-cache-v1\ncomponent=C\nversion=V\ncode=D\n'
 *       + 'param:a=' + inputs.parameters['a'] + '\n' + ... + 'input:m=' + inputs.parameters['m-digest'] + '\n')}}</pre>
 * that is, SHA-256 over the same material as {@link CacheKey#material}: the component class, its declared
 * version, the {@link CodeDigest} of its bytecode (computed here, at compile time), every parameter input
 * (sorted by name) and the content digest of every input artifact (sorted by name), which the producing step
 * wrote as its {@code <port>-digest} output. Argo stores memoized outputs in a ConfigMap whose keys must
 * match {@code ^[a-zA-Z0-9][-a-zA-Z0-9]*$} (Argo's cache key rule, stricter than Kubernetes' own) and be at
 * most 253 characters; a lowercase hex SHA-256 is always 64 such characters, whatever the inputs hold.
 * Parameter values are hashed as they travel in the workflow, in their {@link dev.fermion.contract.ValueCodec#armour
 * transport form}, as the local runner hashes them too, so both backends give the same inputs the same key.
 * {@code maxAge} is the cache policy's age, or {@value #FOREVER} (about a century) when it has none: Argo v4
 * falls back to 30 days when maxAge is empty, which is not what "cache forever" means.
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
    static final String FOREVER = "876000h";
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

    private record Key(String component, StepOptions options, Set<String> bound, Map<String, String> inline) { }

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
        return new Artifact(port, dir + "/" + inline.file().name(), null, new Artifact.Raw(
                ArgoExpressions.tag("sprig.b64dec(" + ArgoExpressions.input(inlineParam(port)) + ")")));
    }

    static String digestParam(String artifact) {
        return artifact + DIGEST_PARAM_SUFFIX;
    }

    /** The template running {@code step}, created the first time its configuration is seen. */
    Template templateFor(Node.StepNode step) {
        Key key = new Key(step.component().className(), step.options(), new HashSet<>(step.bindings().keySet()),
                inlineFiles(step.bindings()));
        return templates.get(key, step.component(), name -> build(step, name));
    }

    /**
     * The template of the task that digests the sources of {@code step} before it runs: the same pod as the
     * step's (image, environment, volumes: the sources may be on them), running the launcher's
     * {@value LaunchSpec#SOURCE_DIGEST_FLAG} mode with the step's parameter inputs.
     */
    Template sourceTemplateFor(Node.StepNode step) {
        Key key = new Key(step.component().className(), step.options(), new HashSet<>(step.bindings().keySet()),
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
        LaunchSpec launch = new LaunchSpec(component.className(), pipeline, "{{inputs.parameters." + STEP_PARAM + "}}",
                "{{workflow.uid}}", 0, launchParams, Map.of(), Map.of(), Map.of(), null);
        List<String> args = new ArrayList<>(List.of(LaunchSpec.SOURCE_DIGEST_FLAG, SOURCE_PATH));
        args.addAll(launch.toArgs());
        return new Template(name,
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
                retry(o, where, true),
                o.timeout() == null ? null : Long.toString(Math.max(1, o.timeout().toSeconds())),
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
                .addToVolumeMounts(new VolumeMountBuilder().withName(OUTPUTS_VOLUME).withMountPath(OUTPUTS).build())
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
        volumes.add(new VolumeBuilder().withName(OUTPUTS_VOLUME).withNewEmptyDir().endEmptyDir().build());
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
                outParams.add(Parameter.fromPath(digest, LaunchSpec.OUTPUT_PARAMS + "/" + port.name() + LaunchSpec.DIGEST_SUFFIX));
            } else {
                String path = LaunchSpec.OUTPUT_PARAMS + "/" + port.name();
                unique(outputNames, port.name(), where, "output");
                outParams.add(Parameter.fromPath(port.name(), path));
                launchOutParams.put(port.name(), path);
            }
        }

        pod.addImagePullSecrets(o, where);
        LaunchSpec launch = new LaunchSpec(component.className(), pipeline, "{{inputs.parameters." + STEP_PARAM + "}}",
                "{{workflow.uid}}", 0, launchParams, launchInputs, launchOutParams, launchOutArtifacts, LaunchSpec.METRICS);
        RetryStrategy retry = retry(o, where, true);
        List<String> args = new ArrayList<>(launch.toArgs());
        if (retry != null) {
            // Argo's retry counter (0 on the first try), so a step's StepContext.attempt() is the real one in a pod too.
            args.addAll(List.of(LaunchSpec.ATTEMPT_FLAG, "{{retries}}"));
        }
        return new Template(name,
                new Inputs(inParams, inArtifacts),
                new Outputs(outParams, outArtifacts),
                pod.metadata(o, where),
                null,
                null,
                container(o, where, args),
                null,
                PodResources.sidecars(o, options.images()::apply),
                null,
                o.cachingEnabled() ? memoize(component, codeDigest(component, where), keyParams, keyInputs, sourceKey, o,
                        where, options.cacheConfigMap()) : null,
                retry,
                o.timeout() == null ? null : Long.toString(Math.max(1, o.timeout().toSeconds())),
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
                    + DIGEST_PARAM_SUFFIX + "' and '<artifact>" + INLINE_PARAM_SUFFIX + "' for its own parameters); rename the port");
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
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    /**
     * The memoization of a step whose code is identified by {@code codeDigest}: {@link CodeDigest} for Java
     * components, {@link dev.fermion.plan.ContainerSpec#digest()} for container and script steps.
     * {@code source}: an expression reading the digest of the step's sources, or null when it reads none
     * (an empty digest adds no line, as {@link CacheKey} writes none for a component that reports none).
     */
    static Memoize memoize(ComponentSpec component, String codeDigest, Map<String, String> params,
                           Map<String, String> inputs, String source, StepOptions o, String where, String configMap) {
        String material = CacheKey.material(component.className(), component.version(), codeDigest,
                Map.of(), Map.of());
        if (material.chars().anyMatch(c -> c == '{' || c == '}' || (Character.isISOControl(c) && c != '\n'))) {
            throw new IllegalArgumentException("Cannot cache " + where + ": its version '" + component.version()
                    + "' contains braces or control characters, which cannot be written into an Argo expression; "
                    + "use a plain version such as \"2\" or \"1.4.0\"");
        }
        StringBuilder expr = new StringBuilder("{{=sprig.sha256sum(").append(ArgoExpressions.quote(material));
        params.forEach((name, ref) -> expr.append(" + ").append(ArgoExpressions.quote("param:" + name + "=")).append(" + ")
                .append(ref).append(" + '\\n'"));
        inputs.forEach((name, ref) -> expr.append(" + ").append(ArgoExpressions.quote("input:" + name + "=")).append(" + ")
                .append(ref).append(" + '\\n'"));
        if (source != null) {
            expr.append(" + (").append(source).append(" == '' ? '' : ").append(ArgoExpressions.quote(CacheKey.SOURCE_FIELD))
                    .append(" + ").append(ArgoExpressions.keyField(dev.fermion.dsl.ValueType.of(String.class), source))
                    .append(" + '\\n')");
        }
        expr.append(")}}");
        Duration maxAge = o.cache().maxAge();
        return Memoize.inConfigMap(expr.toString(), maxAge == null ? FOREVER : goDuration(maxAge), configMap);
    }

    private static String codeDigest(ComponentSpec component, String where) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            return CodeDigest.of(Class.forName(component.className(), false,
                    loader != null ? loader : ContainerTemplates.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("Cannot compute the cache key of " + where + ": class "
                    + component.className() + " is not on the compiler's classpath; compile with the pipeline's "
                    + "classes on the classpath (or disable caching for the step with noCache())", e);
        }
    }

    /**
     * Argo's retries for a step. {@code launcher}: the step runs {@code fermion-step}, whose exit codes
     * {@value LaunchSpec#EXIT_USAGE} and {@value LaunchSpec#EXIT_BAD_INPUT} say that no retry can succeed, so
     * the strategy's expression excludes them (a tool's exit codes mean what the tool says, so its steps have none).
     */
    static RetryStrategy retry(StepOptions o, String where, boolean launcher) {
        if (o.retry() == null || o.retry().limit() == 0) {
            return null;
        }
        var r = o.retry();
        RetryStrategy.Backoff backoff = r.backoff() == null ? null : new RetryStrategy.Backoff(goDuration(r.backoff()),
                factor(r.factor(), where), r.maxBackoff() == null ? null : goDuration(r.maxBackoff()));
        String expression = launcher ? "!(asInt(lastRetry.exitCode) in [" + LaunchSpec.EXIT_USAGE + ", "
                + LaunchSpec.EXIT_BAD_INPUT + "])" : null;
        return new RetryStrategy(Integer.toString(r.limit()), policy(r.policy()), expression, backoff);
    }

    private static String policy(dev.fermion.dsl.Retry.Policy policy) {
        return switch (policy) {
            case ALWAYS -> "Always";
            case ON_FAILURE -> "OnFailure";
            case ON_ERROR -> "OnError";
            case ON_TRANSIENT_ERROR -> "OnTransientError";
        };
    }

    /** Argo reads the backoff factor as an int-or-string integer, so a fractional factor cannot be kept. */
    private static String factor(double factor, String where) {
        if (factor != Math.rint(factor) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("The retry backoff factor " + factor + " of " + where + " is not a "
                    + "whole number; Argo only supports integer factors: use 2 or 3");
        }
        return Long.toString((long) factor);
    }

    /** A Go duration string ({@code 1h30m}, {@code 45s}, {@code 250ms}), the form Argo parses. */
    static String goDuration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toSeconds() == 0 || d.toMillisPart() != 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder b = new StringBuilder();
        long hours = d.toHours();
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (d.toMinutesPart() > 0) {
            b.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            b.append(d.toSecondsPart()).append('s');
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
