package dev.fermion.deploy;

import dev.fermion.contract.LaunchSpec;
import dev.fermion.contract.RuntimeImage;
import dev.fermion.deploy.kubernetes.ClusterSettings;
import dev.fermion.deploy.kubernetes.KServeRollout;
import dev.fermion.deploy.kubernetes.KubernetesRollout;
import dev.fermion.deploy.kubernetes.ModelConfigMaps;
import dev.fermion.deploy.local.LocalDeployment;
import dev.fermion.deploy.local.LocalDeployments;
import dev.fermion.dsl.BadInputException;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;
import dev.fermion.types.Model;
import java.time.Duration;
import java.util.Map;

/**
 * Serves a trained model over the Open Inference Protocol v2 with {@code fermion-serve}:
 *
 * <ul>
 *   <li>{@code LOCAL}: a server process on this machine, smoke-tested with a real prediction before it
 *   replaces any server of the same name, recorded under {@code <Fermion home>/deployments}, and stopped
 *   when the run ends unless {@code keep-running} is true;</li>
 *   <li>{@code KUBERNETES}: a Deployment, Service, HorizontalPodAutoscaler and PodDisruptionBudget in a
 *   namespace; a canary runs as {@code <name>-canary} behind the same Service;</li>
 *   <li>{@code KSERVE}: an InferenceService whose predictor runs {@code fermion-serve}; a canary is KServe's
 *   {@code canaryTrafficPercent}.</li>
 * </ul>
 *
 * Cluster targets read the bundle from {@code model-uri} (the cluster cannot see the step's files), so
 * publish the model there first; without one, {@code KUBERNETES} carries the bundle to its pods in a ConfigMap
 * named by its content, which holds models up to about 1 MiB. Each rollout records what it replaced;
 * {@link Rollback} restores it.
 *
 * <p>Deploying what a target already serves is up to date, not a redeployment: the same model content
 * ({@link ModelDigest} of {@code model}) with the same settings leaves everything as it is, and the step
 * reports {@code up-to-date} and the version that serves. The version alone does not count, since it
 * defaults to the run id, which every run changes.
 */
public final class Deploy extends Component {
    public static final Input<Model> MODEL = input("model", Model.class)
            .describedAs("the bundle LOCAL serves; cluster targets serve their copy at model-uri");
    public static final Input<String> NAME = input("name", String.class)
            .describedAs("the deployment's and the served model's name: lower-case letters, digits and '-'");
    public static final Input<DeployTarget> TARGET =
            input("target", DeployTarget.class).defaultValue(DeployTarget.LOCAL);
    public static final Input<String> VERSION =
            input("version", String.class).optional().describedAs("the version to record; defaults to the run id");
    public static final Input<Boolean> KEEP_RUNNING = input("keep-running", Boolean.class)
            .defaultValue(false)
            .describedAs("LOCAL: keep the server after the run ends");
    public static final Input<String> NAMESPACE = input("namespace", String.class)
            .optional()
            .describedAs("cluster targets; defaults to the kubeconfig's or the pod's namespace");
    public static final Input<String> MODEL_URI = input("model-uri", String.class)
            .optional()
            .describedAs("cluster targets: where the cluster reads the bundle, e.g. s3://models/iris/3 or "
                    + "pvc://models/iris/3; KUBERNETES without one carries a bundle of up to 1 MiB in a ConfigMap");
    public static final Input<String> IMAGE = input("image", String.class)
            .optional()
            .describedAs("cluster targets: the runtime image; defaults to the one the compiler uses");
    public static final Input<Integer> REPLICAS =
            input("replicas", Integer.class).defaultValue(1);
    public static final Input<Integer> MAX_REPLICAS = input("max-replicas", Integer.class)
            .optional()
            .describedAs("the autoscaler's ceiling; defaults to three times replicas");
    public static final Input<String> CPU = input("cpu", String.class).defaultValue("1");
    public static final Input<String> MEMORY = input("memory", String.class).defaultValue("2Gi");
    public static final Input<Integer> GPUS = input("gpus", Integer.class).defaultValue(0);
    public static final Input<Integer> CPU_TARGET_PERCENT =
            input("cpu-target-percent", Integer.class).defaultValue(70);
    public static final Input<Integer> CANARY_PERCENT = input("canary-percent", Integer.class)
            .defaultValue(0)
            .describedAs("cluster targets: 1-99 sends about that share of requests to this version");
    public static final Input<String> STORAGE_SECRET = input("storage-secret", String.class)
            .optional()
            .describedAs("KUBERNETES: a Secret with the model store's credentials, by name");
    public static final Input<String> STORAGE_INITIALIZER_IMAGE =
            input("storage-initializer-image", String.class).defaultValue(ClusterSettings.DEFAULT_STORAGE_INITIALIZER);
    public static final Input<Integer> READY_TIMEOUT_SECONDS = input("ready-timeout-seconds", Integer.class)
            .defaultValue(600)
            .describedAs("cluster targets: how long to wait for ready pods; 0 does not wait");

    /** Set by Argo in the main container of every workflow pod: the node it runs. */
    static final String ARGO_NODE = "ARGO_NODE_ID";

    public static final Output<String> ENDPOINT = output("endpoint", String.class)
            .describedAs("the model's Open Inference Protocol URL; POST <endpoint>/infer");
    public static final Output<String> DEPLOYED_VERSION = output("deployed-version", String.class)
            .describedAs("the version that serves: this one, or the one deployed before if up to date");
    public static final Output<Boolean> UP_TO_DATE = output("up-to-date", Boolean.class)
            .describedAs("true when the target already served this model with these settings, so nothing changed");

    /** Deploying changes the world outside the pipeline: a cache hit would leave nothing deployed. */
    @Override
    public boolean cacheableByDefault() {
        return false;
    }

    @Override
    protected void run(StepContext ctx) {
        String name = DeployNames.name(ctx.get(NAME));
        String version = DeployNames.version(ctx.find(VERSION).orElse(ctx.runId()));
        String digest = ModelDigest.of(ctx.get(MODEL).path());
        Deployed deployed;
        switch (ctx.get(TARGET)) {
            case LOCAL:
                deployed = local(ctx, name, version);
                break;
            case KUBERNETES:
                deployed = ClusterAccess.withClient(client -> new KubernetesRollout(client, line -> ctx.log("%s", line))
                        .deploy(
                                settings(
                                        ctx,
                                        name,
                                        version,
                                        digest,
                                        ClusterAccess.namespace(ctx.find(NAMESPACE), client)),
                                ctx.get(MODEL).path(),
                                readyTimeout(ctx)));
                break;
            case KSERVE:
                deployed = ClusterAccess.withClient(client -> new KServeRollout(client, line -> ctx.log("%s", line))
                        .deploy(
                                settings(
                                        ctx,
                                        name,
                                        version,
                                        digest,
                                        ClusterAccess.namespace(ctx.find(NAMESPACE), client)),
                                readyTimeout(ctx)));
                break;
            default:
                throw new IllegalStateException("Unknown target " + ctx.get(TARGET));
        }
        ctx.put(ENDPOINT, deployed.endpoint());
        ctx.put(DEPLOYED_VERSION, deployed.version());
        ctx.put(UP_TO_DATE, deployed.upToDate());
        if (deployed.upToDate()) {
            ctx.log(
                    "Up to date: '%s' already serves model %s with these settings as version %s on %s: %s",
                    name, digest, deployed.version(), ctx.get(TARGET), deployed.endpoint());
        } else {
            ctx.log(
                    "Deployed '%s' version %s to %s: %s",
                    name, deployed.version(), ctx.get(TARGET), deployed.endpoint());
        }
    }

    private static Deployed local(StepContext ctx, String name, String version) {
        refuseInWorkflowPod(System.getenv());
        if (ctx.get(CANARY_PERCENT) != 0) {
            throw new IllegalArgumentException(
                    "canary-percent needs a traffic split, which the LOCAL target does "
                            + "not have (one server per name); deploy the canary under another name or use KUBERNETES or KSERVE");
        }
        LocalDeployments registry = LocalDeployments.fromEnvironment();
        LocalDeployments.Rollout rollout = registry.deploy(
                name, version, ctx.get(MODEL).path(), ctx.runId(), ctx.get(KEEP_RUNNING), line -> ctx.log("%s", line));
        LocalDeployment deployment = rollout.deployment();
        if (deployment.keepRunning()) {
            ctx.log(
                    "The server keeps running after this run; %s records it",
                    registry.root().resolve(name + ".json"));
        } else {
            ctx.log("The server stops when run %s ends", deployment.runId());
        }
        return new Deployed(deployment.modelUrl().toString(), deployment.version(), rollout.upToDate());
    }

    /** A LOCAL server started in a workflow's pod would stop with the pod, and nothing could reach it meanwhile. */
    static void refuseInWorkflowPod(Map<String, String> env) {
        if (env.containsKey(ARGO_NODE)) {
            throw new BadInputException("Target LOCAL starts the model server beside this step, but the step runs in "
                    + "a pod of an Argo workflow, which ends with the step and takes the server with it: deploy to the "
                    + "cluster with target KUBERNETES (or KSERVE), whose servers outlive the workflow");
        }
    }

    private static ClusterSettings settings(
            StepContext ctx, String name, String version, String digest, String namespace) {
        String modelUri = ctx.find(MODEL_URI).filter(uri -> !uri.isEmpty()).orElseGet(() -> {
            if (ctx.get(TARGET) != DeployTarget.KUBERNETES) {
                throw new IllegalArgumentException("Target " + ctx.get(TARGET) + " needs 'model-uri': the cluster "
                        + "reads the bundle from a store it can reach (s3://, gs://, https:// or pvc://CLAIM/PATH), not "
                        + "from this step's files; publish it there first");
            }
            return ModelConfigMaps.URI_PREFIX + ModelConfigMaps.name(name, digest);
        });
        int gpus = ctx.get(GPUS);
        int replicas = ctx.get(REPLICAS);
        return new ClusterSettings(
                name,
                version,
                namespace,
                ctx.find(IMAGE).orElseGet(() -> runtimeImage(System.getenv(), gpus > 0)),
                modelUri,
                digest,
                ctx.find(STORAGE_SECRET).orElse(null),
                ctx.get(STORAGE_INITIALIZER_IMAGE),
                replicas,
                ctx.find(MAX_REPLICAS).orElse(3 * replicas),
                ctx.get(CPU),
                ctx.get(MEMORY),
                gpus,
                ctx.get(CPU_TARGET_PERCENT),
                ctx.get(CANARY_PERCENT));
    }

    /**
     * The image a model server runs when the step names none: the runtime image the workflow was compiled for
     * (the compiler puts it in every Java step's environment), else, outside a compiled workflow, the default one.
     */
    static String runtimeImage(Map<String, String> env, boolean gpu) {
        String compiled = env.get(gpu ? LaunchSpec.RUNTIME_GPU_IMAGE_ENV : LaunchSpec.RUNTIME_IMAGE_ENV);
        return compiled == null || compiled.isBlank() ? RuntimeImage.defaultName(gpu) : compiled;
    }

    static Duration readyTimeout(StepContext ctx, Input<Integer> input) {
        return Duration.ofSeconds(Math.max(0, ctx.get(input)));
    }

    private static Duration readyTimeout(StepContext ctx) {
        return readyTimeout(ctx, READY_TIMEOUT_SECONDS);
    }
}
