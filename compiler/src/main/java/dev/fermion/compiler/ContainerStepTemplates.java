package dev.fermion.compiler;

import dev.fermion.compiler.argo.Artifact;
import dev.fermion.compiler.argo.Inputs;
import dev.fermion.compiler.argo.Outputs;
import dev.fermion.compiler.argo.Parameter;
import dev.fermion.compiler.argo.Script;
import dev.fermion.compiler.argo.Template;
import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.ContainerSpec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Node;
import dev.fermion.plan.PortSpec;
import dev.fermion.plan.StepOptions;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Argo {@code container} and {@code script} templates for steps that run an image or an inline script
 * ({@link Node.ContainerNode}), one per distinct configuration like {@link ContainerTemplates}.
 *
 * <p>Ports live where {@link ContainerSpec} says: input artifacts are placed in
 * {@code /fermion/inputs/PORT}; a parameter output is the file {@code /fermion/outputs/params/PORT}; an
 * artifact output is the directory {@code /fermion/outputs/artifacts/PORT}. Those output locations are
 * emptyDir volumes of the template, so they exist (and are writable by the non-root user) in any image.
 *
 * <p>Artifact digests: a tool does not compute Fermion's content digest, so the {@code PORT-digest} output
 * is read from {@code /fermion/outputs/params/PORT.digest} if the command wrote one, and otherwise is
 * {@code volatile:<workflow uid>:<pod name>}, unique per run and pod: downstream cache keys then never
 * match an unrelated earlier result. A memoized container step replays its recorded digest on a cache hit,
 * so its consumers hit their caches too.
 *
 * <p>Memoization uses the same key expression as Java steps, with the {@link ContainerSpec#digest()} of
 * image, command, arguments, environment and source in place of the code digest.
 */
final class ContainerStepTemplates {
    static final String VOLATILE_DIGEST = "volatile:{{workflow.uid}}:{{pod.name}}";
    private static final String PARAMS_VOLUME = "fermion-params";
    private static final String ARTIFACT_VOLUME = "fermion-out-";

    private final CompilerOptions options;
    private final PodResources pod;
    private final ComponentTemplates<Key> templates;

    private record Key(
            String component,
            ContainerSpec container,
            StepOptions options,
            Set<String> bound,
            Map<String, String> inline) {}

    ContainerStepTemplates(CompilerOptions options, TemplateNames names, PodResources pod) {
        this.options = options;
        this.templates = new ComponentTemplates<>(names);
        this.pod = pod;
    }

    Template templateFor(Node.ContainerNode step) {
        Key key = new Key(
                step.component().className(),
                step.container(),
                step.options(),
                new HashSet<>(step.bindings().keySet()),
                ContainerTemplates.inlineFiles(step.bindings()));
        return templates.get(key, step.component(), name -> build(step, name));
    }

    List<Template> all() {
        return templates.all();
    }

    private Template build(Node.ContainerNode step, String name) {
        ComponentSpec component = step.component();
        ContainerSpec spec = step.container();
        StepOptions o = step.options();
        String where = "step '" + step.name() + "' (" + component.className() + ")";
        Set<String> inputNames = new HashSet<>();
        List<Parameter> inParams = new ArrayList<>();
        List<Parameter> digestParams = new ArrayList<>();
        List<Artifact> inArtifacts = new ArrayList<>();
        Map<String, String> keyParams = new TreeMap<>();
        Map<String, String> keyInputs = new TreeMap<>();
        for (PortSpec port : component.inputs()) {
            if (!step.bindings().containsKey(port.name())) {
                continue;
            }
            if (port.isArtifact()) {
                String path = ContainerSpec.inputPath(port.name());
                if (step.bindings().get(port.name()) instanceof Expr.Inline inline) {
                    ContainerTemplates.unique(inputNames, ContainerTemplates.inlineParam(port.name()), where, "input");
                    inParams.add(Parameter.declared(ContainerTemplates.inlineParam(port.name())));
                    inArtifacts.add(ContainerTemplates.inlineArtifact(port.name(), path, inline));
                } else {
                    inArtifacts.add(Artifact.atPath(port.name(), path));
                }
                if (step.options().cachingEnabled()) {
                    String digest = ContainerTemplates.digestParam(port.name());
                    ContainerTemplates.unique(inputNames, digest, where, "input");
                    digestParams.add(Parameter.declared(digest));
                    keyInputs.put(port.name(), "inputs.parameters['" + digest + "']");
                }
            } else {
                ContainerTemplates.unique(inputNames, port.name(), where, "input");
                inParams.add(Parameter.declared(port.name()));
                keyParams.put(port.name(), ArgoExpressions.keyField(port.type(), ArgoExpressions.input(port.name())));
            }
        }
        inParams.addAll(digestParams);
        for (var claim : PodResources.runtimeClaims(o)) {
            ContainerTemplates.unique(inputNames, claim.volumeName(), where, "input");
            inParams.add(Parameter.declared(claim.volumeName()));
        }
        if (o.imageFrom() != null) {
            ContainerTemplates.unique(inputNames, ContainerTemplates.IMAGE_PARAM, where, "input");
            inParams.add(Parameter.declared(ContainerTemplates.IMAGE_PARAM));
            // The image is what the step runs: a different image is a different step for the cache.
            keyParams.put(
                    ContainerTemplates.IMAGE_PARAM,
                    ArgoExpressions.keyField(
                            dev.fermion.types.ValueType.of(String.class),
                            ArgoExpressions.input(ContainerTemplates.IMAGE_PARAM)));
        }

        Set<String> outputNames = new HashSet<>();
        List<Parameter> outParams = new ArrayList<>();
        List<Artifact> outArtifacts = new ArrayList<>();
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        if (!component.outputs().isEmpty()) {
            volumes.add(emptyDir(PARAMS_VOLUME));
            mounts.add(mount(PARAMS_VOLUME, ContainerSpec.OUTPUT_PARAMS));
        }
        int artifactIndex = 0;
        for (PortSpec port : component.outputs()) {
            String path = ContainerSpec.outputPath(port.name(), port.isArtifact());
            if (port.isArtifact()) {
                outArtifacts.add(Artifact.atPath(port.name(), path));
                String digest = ContainerTemplates.digestParam(port.name());
                ContainerTemplates.unique(outputNames, digest, where, "output");
                outParams.add(Parameter.fromPathOrDefault(
                        digest, ContainerSpec.outputPath(port.name(), false) + ".digest", VOLATILE_DIGEST));
                String volume = ARTIFACT_VOLUME + artifactIndex++;
                volumes.add(emptyDir(volume));
                mounts.add(mount(volume, path));
            } else {
                ContainerTemplates.unique(outputNames, port.name(), where, "output");
                outParams.add(Parameter.fromPath(port.name(), path));
            }
        }
        mounts.addAll(pod.mounts(o, where));
        volumes.addAll(PodResources.runtimeClaimVolumes(o));
        pod.addImagePullSecrets(o, where);

        String image = o.imageFrom() != null
                ? ContainerTemplates.imageInput()
                : PodResources.plain(options.images().apply(step.image()), "image of " + where);
        List<String> command = strings(spec.command(), step, where);
        List<EnvVar> env = env(step, where);
        Container container = null;
        Script script = null;
        if (spec.isScript()) {
            script = new Script(
                    image,
                    command,
                    env,
                    PodResources.plain(spec.source(), "script source of " + where),
                    pod.resources(o),
                    mounts,
                    ContainerTemplates.containerSecurity());
        } else {
            container = new ContainerBuilder()
                    .withImage(image)
                    .withCommand(command)
                    .withArgs(strings(spec.args(), step, where))
                    .withEnv(env)
                    .withResources(pod.resources(o))
                    .withVolumeMounts(mounts)
                    .withSecurityContext(ContainerTemplates.containerSecurity())
                    .build();
        }
        return new Template(
                name,
                new Inputs(inParams, inArtifacts),
                new Outputs(outParams, outArtifacts),
                pod.metadata(o, where),
                null,
                null,
                container,
                script,
                PodResources.sidecars(o, options.images()::apply),
                null,
                o.cachingEnabled()
                        ? MemoizeKeys.memoize(
                                component,
                                spec.digest(),
                                keyParams,
                                keyInputs,
                                null,
                                o,
                                where,
                                options.cacheConfigMap())
                        : null,
                RetryStrategies.retry(o, where, false),
                o.timeout() == null
                        ? null
                        : Long.toString(Math.max(1, o.timeout().toSeconds())),
                pod.serviceAccount(o, where),
                pod.nodeSelector(o, where),
                pod.tolerations(o, where),
                pod.affinity(o, where),
                volumes);
    }

    /** The command's own variables first, then the step's {@code env(...)} and secrets; a name set twice is an error. */
    private List<EnvVar> env(Node.ContainerNode step, String where) {
        List<EnvVar> env = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        new TreeMap<>(step.container().env()).forEach((name, word) -> {
            seen.add(name);
            env.add(new EnvVar(name, string(word, step, where), null));
        });
        for (EnvVar var : pod.env(step.options(), where)) {
            if (!seen.add(var.getName())) {
                throw new IllegalArgumentException(
                        "Cannot compile " + where + ": environment variable '" + var.getName()
                                + "' is set both by the command and by env(...)/secretEnv(...) on the step; set it once");
            }
            env.add(var);
        }
        return env;
    }

    private static List<String> strings(List<ContainerSpec.Word> words, Node.ContainerNode step, String where) {
        return words.stream().map(w -> string(w, step, where)).toList();
    }

    /**
     * One argv element. Literal text goes through {@link PodResources#plain}; a parameter input becomes an
     * expression that Argo evaluates into this one element when it creates the pod, so a value can add neither
     * arguments nor expressions (Argo does not re-evaluate what it substituted). Inputs arrive in transport
     * form; the expression removes the armour, so the tool reads the value as it was written.
     */
    private static String string(ContainerSpec.Word word, Node.ContainerNode step, String where) {
        ContainerSpec.Part.Visitor<String> written = new ContainerSpec.Part.Visitor<>() {
            @Override
            public String text(ContainerSpec.Part.Text text) {
                return PodResources.plain(text.text(), "command text of " + where);
            }

            @Override
            public String inputValue(ContainerSpec.Part.InputValue value) {
                boolean plain = step.component()
                        .input(value.port())
                        .map(port -> ValueCodec.isPlain(port.type()))
                        .orElse(false);
                return plain
                        ? "{{inputs.parameters." + value.port() + "}}"
                        : ArgoExpressions.tag(ArgoExpressions.disarmed(ArgoExpressions.input(value.port())));
            }

            @Override
            public String inputPath(ContainerSpec.Part.InputPath path) {
                return ContainerSpec.inputPath(path.port());
            }

            @Override
            public String outputPath(ContainerSpec.Part.OutputPath out) {
                PortSpec port = step.component()
                        .output(out.port())
                        .orElseThrow(
                                () -> new IllegalStateException(where + " writes undeclared output " + out.port()));
                return ContainerSpec.outputPath(out.port(), port.isArtifact());
            }
        };
        StringBuilder b = new StringBuilder();
        for (ContainerSpec.Part part : word.parts()) {
            b.append(part.accept(written));
        }
        return b.toString();
    }

    private static Volume emptyDir(String name) {
        return new VolumeBuilder()
                .withName(name)
                .withNewEmptyDir()
                .endEmptyDir()
                .build();
    }

    private static VolumeMount mount(String volume, String path) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).build();
    }
}
