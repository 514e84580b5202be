package dev.fermion.compiler;

import dev.fermion.contract.TrackingEnv;
import dev.fermion.plan.SecretRef;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the pods of a compiled workflow track to. The URI is not a secret and is written into the workflow;
 * credentials only ever as references to a Kubernetes Secret, which the kubelet resolves in the pod.
 *
 * @param trackingUri     the MLflow server as the pods reach it, {@code http} or {@code https}, without credentials
 * @param token           the Secret key holding {@code MLFLOW_TRACKING_TOKEN}, or null
 * @param basicAuthSecret the Secret with keys {@code username} and {@code password} (a {@code kubernetes.io/basic-auth}
 *                        Secret) for a server with basic auth, or null; at most one of this and {@code token}
 */
public record MlflowSettings(URI trackingUri, SecretRef token, String basicAuthSecret) {
    private static final Pattern SECRET_NAME =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    public MlflowSettings {
        Objects.requireNonNull(trackingUri, "trackingUri");
        if (trackingUri.getRawUserInfo() != null) {
            // The URI lands in the workflow as plain text, readable by anyone who can read workflows; the
            // message leaves the URI out so the credentials do not reach a log either.
            throw new IllegalArgumentException("The MLflow URI must not contain credentials: put the token in a "
                    + "Kubernetes Secret and pass it with --mlflow-token-secret SECRET/KEY");
        }
        String scheme = trackingUri.getScheme();
        if ((!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) || trackingUri.getHost() == null) {
            throw new IllegalArgumentException("MLflow URI '" + trackingUri + "' is not an http(s) server address: "
                    + "give one such as http://mlflow.ml.svc.cluster.local:5000");
        }
        PodResources.plain(trackingUri.toString(), "MLflow URI");
        if (token != null && basicAuthSecret != null) {
            throw new IllegalArgumentException("Give the MLflow token or the basic-auth Secret, not both: MLflow "
                    + "would use the user name and password and ignore the token");
        }
        if (basicAuthSecret != null
                && (!SECRET_NAME.matcher(basicAuthSecret).matches() || basicAuthSecret.length() > 253)) {
            throw new IllegalArgumentException("MLflow basic-auth Secret '" + basicAuthSecret + "' is not a valid "
                    + "Secret name: use lowercase letters, digits, '-' and '.'");
        }
    }

    /**
     * @param uri             the server, as given on the command line
     * @param tokenSecret     {@code SECRET/KEY}, or null
     * @param basicAuthSecret the name of a Secret with keys {@code username} and {@code password}, or null
     */
    public static MlflowSettings parse(String uri, String tokenSecret, String basicAuthSecret) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            // The reason alone: the text may hold credentials and must not be echoed.
            throw new IllegalArgumentException("The MLflow URI is not a valid URI: " + e.getReason(), e);
        }
        return new MlflowSettings(parsed, tokenSecret == null ? null : secretRef(tokenSecret), basicAuthSecret);
    }

    private static SecretRef secretRef(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException(
                    "MLflow token Secret '" + text + "' should be SECRET/KEY, such as " + "mlflow-credentials/token");
        }
        return SecretRef.of(text.substring(0, slash), text.substring(slash + 1));
    }

    /**
     * What every pod of the workflow needs to track into the same parent run. The workflow variables are
     * the compiler's own text, never a user's, so they are the one place Argo may substitute into env.
     */
    List<EnvVar> env(String experiment) {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar(TrackingEnv.URI, trackingUri.toString(), null));
        if (token != null) {
            env.add(fromSecret(TrackingEnv.TOKEN, token));
        }
        if (basicAuthSecret != null) {
            env.add(fromSecret(TrackingEnv.USERNAME, SecretRef.of(basicAuthSecret, "username")));
            env.add(fromSecret(TrackingEnv.PASSWORD, SecretRef.of(basicAuthSecret, "password")));
        }
        env.add(new EnvVar(TrackingEnv.EXPERIMENT, PodResources.plain(experiment, "experiment name"), null));
        env.add(new EnvVar(TrackingEnv.WORKFLOW_NAME, "{{workflow.name}}", null));
        env.add(new EnvVar(TrackingEnv.WORKFLOW_UID, "{{workflow.uid}}", null));
        env.add(new EnvVar(TrackingEnv.TRACKED_RUN_FILE, TrackedRuns.FILE, null));
        return env;
    }

    private static EnvVar fromSecret(String name, SecretRef ref) {
        return new EnvVarBuilder()
                .withName(name)
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName(ref.secret())
                .withKey(ref.key())
                .endSecretKeyRef()
                .endValueFrom()
                .build();
    }

    @Override
    public String toString() {
        return "MlflowSettings[trackingUri=" + trackingUri + ", token=" + (token == null ? "none" : token)
                + ", basicAuthSecret=" + (basicAuthSecret == null ? "none" : basicAuthSecret) + "]";
    }
}
