package dev.fermion.compiler;

import dev.fermion.dsl.SecretRef;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the pods of a compiled workflow track to. The URI is not a secret and is written into the workflow;
 * the token only ever as a reference to a Kubernetes Secret, which the kubelet resolves in the pod.
 *
 * @param trackingUri the MLflow server as the pods reach it, {@code http} or {@code https}, without credentials
 * @param token       the Secret key holding {@code MLFLOW_TRACKING_TOKEN}, or null for a server without auth
 */
public record MlflowSettings(URI trackingUri, SecretRef token) {
    static final String URI_ENV = "MLFLOW_TRACKING_URI";
    static final String TOKEN_ENV = "MLFLOW_TRACKING_TOKEN";
    static final String EXPERIMENT_ENV = "MLFLOW_EXPERIMENT_NAME";
    static final String WORKFLOW_NAME_ENV = "FERMION_WORKFLOW_NAME";
    static final String WORKFLOW_UID_ENV = "FERMION_WORKFLOW_UID";

    public MlflowSettings {
        Objects.requireNonNull(trackingUri, "trackingUri");
        if (trackingUri.getRawUserInfo() != null) {
            // The URI lands in the workflow as plain text, readable by anyone who can read workflows; the
            // message leaves the URI out so the credentials do not reach a log either.
            throw new IllegalArgumentException("The MLflow URI must not contain credentials: put the token in a "
                    + "Kubernetes Secret and pass it with --mlflow-token-secret SECRET/KEY");
        }
        String scheme = trackingUri.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || trackingUri.getHost() == null) {
            throw new IllegalArgumentException("MLflow URI '" + trackingUri + "' is not an http(s) server address: "
                    + "give one such as http://mlflow.ml.svc.cluster.local:5000");
        }
        PodResources.plain(trackingUri.toString(), "MLflow URI");
    }

    /**
     * @param uri         the server, as given on the command line
     * @param tokenSecret {@code SECRET/KEY}, or null
     */
    public static MlflowSettings parse(String uri, String tokenSecret) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            // The reason alone: the text may hold credentials and must not be echoed.
            throw new IllegalArgumentException("The MLflow URI is not a valid URI: " + e.getReason(), e);
        }
        return new MlflowSettings(parsed, tokenSecret == null ? null : secretRef(tokenSecret));
    }

    private static SecretRef secretRef(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("MLflow token Secret '" + text + "' should be SECRET/KEY, such as "
                    + "mlflow-credentials/token");
        }
        return SecretRef.of(text.substring(0, slash), text.substring(slash + 1));
    }

    /**
     * What every pod of the workflow needs to track into the same parent run. The workflow variables are
     * the compiler's own text, never a user's, so they are the one place Argo may substitute into env.
     */
    List<EnvVar> env(String experiment) {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar(URI_ENV, trackingUri.toString(), null));
        if (token != null) {
            env.add(new EnvVarBuilder().withName(TOKEN_ENV)
                    .withNewValueFrom().withNewSecretKeyRef().withName(token.secret()).withKey(token.key())
                    .endSecretKeyRef().endValueFrom().build());
        }
        env.add(new EnvVar(EXPERIMENT_ENV, PodResources.plain(experiment, "experiment name"), null));
        env.add(new EnvVar(WORKFLOW_NAME_ENV, "{{workflow.name}}", null));
        env.add(new EnvVar(WORKFLOW_UID_ENV, "{{workflow.uid}}", null));
        return env;
    }

    @Override
    public String toString() {
        return "MlflowSettings[trackingUri=" + trackingUri + ", token=" + (token == null ? "none" : token) + "]";
    }
}
