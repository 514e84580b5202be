package dev.fermion.deploy;

import dev.fermion.deploy.kubernetes.KServeRollout;
import dev.fermion.deploy.kubernetes.KubernetesRollout;
import dev.fermion.deploy.local.LocalDeployment;
import dev.fermion.deploy.local.LocalDeployments;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;

/**
 * Returns a deployment made by {@link Deploy} to the version it served before: a canary in progress is
 * removed (KUBERNETES), otherwise the settings the last rollout replaced are rolled out again. Typical use
 * is a branch that runs when a post-deployment check fails.
 */
public final class Rollback extends Component {
    public static final Input<String> NAME = input("name", String.class);
    public static final Input<DeployTarget> TARGET =
            input("target", DeployTarget.class).defaultValue(DeployTarget.LOCAL);
    public static final Input<Boolean> KEEP_RUNNING = input("keep-running", Boolean.class)
            .defaultValue(true)
            .describedAs("LOCAL: keep the restored server after the run ends");
    public static final Input<String> NAMESPACE = input("namespace", String.class)
            .optional()
            .describedAs("cluster targets; defaults to the kubeconfig's or the pod's namespace");
    public static final Input<Integer> READY_TIMEOUT_SECONDS = input("ready-timeout-seconds", Integer.class)
            .defaultValue(600)
            .describedAs("cluster targets: how long to wait for ready pods; 0 does not wait");

    public static final Output<String> ENDPOINT = output("endpoint", String.class);
    public static final Output<String> DEPLOYED_VERSION = output("deployed-version", String.class);

    @Override
    public boolean cacheableByDefault() {
        return false;
    }

    @Override
    protected void run(StepContext ctx) {
        String name = DeployNames.name(ctx.get(NAME));
        Deployed restored;
        switch (ctx.get(TARGET)) {
            case LOCAL:
                LocalDeployment local = LocalDeployments.fromEnvironment()
                        .rollback(name, ctx.runId(), ctx.get(KEEP_RUNNING), line -> ctx.log("%s", line));
                restored = new Deployed(local.modelUrl().toString(), local.version());
                break;
            case KUBERNETES:
                restored = ClusterAccess.withClient(client -> new KubernetesRollout(client, line -> ctx.log("%s", line))
                        .rollback(
                                ClusterAccess.namespace(ctx.find(NAMESPACE), client),
                                name,
                                Deploy.readyTimeout(ctx, READY_TIMEOUT_SECONDS)));
                break;
            case KSERVE:
                restored = ClusterAccess.withClient(client -> new KServeRollout(client, line -> ctx.log("%s", line))
                        .rollback(
                                ClusterAccess.namespace(ctx.find(NAMESPACE), client),
                                name,
                                Deploy.readyTimeout(ctx, READY_TIMEOUT_SECONDS)));
                break;
            default:
                throw new IllegalStateException("Unknown target " + ctx.get(TARGET));
        }
        ctx.put(ENDPOINT, restored.endpoint());
        ctx.put(DEPLOYED_VERSION, restored.version());
        ctx.log("'%s' serves version %s again at %s", name, restored.version(), restored.endpoint());
    }
}
