package dev.fermion.cli;

import dev.fermion.compiler.MlflowSettings;
import picocli.CommandLine.Option;

/** Where the pods of a compiled workflow track to; shared by {@code compile} and {@code submit}. */
final class MlflowClusterOptions {
    @Option(
            names = "--mlflow-uri",
            paramLabel = "URI",
            description = "MLflow server as the pods reach it, e.g. http://mlflow.ml.svc.cluster.local:5000; "
                    + "every step then records itself into one MLflow run per workflow. No credentials in it.")
    String uri;

    @Option(
            names = "--mlflow-token-secret",
            paramLabel = "SECRET/KEY",
            description = "Kubernetes Secret and key holding the MLflow token (MLFLOW_TRACKING_TOKEN of the pods).")
    String tokenSecret;

    @Option(
            names = "--mlflow-basic-auth-secret",
            paramLabel = "SECRET",
            description = "Kubernetes Secret with keys username and password for an MLflow server with basic auth "
                    + "(MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD of the pods).")
    String basicAuthSecret;

    /** The settings given, or null for a workflow without tracking. */
    MlflowSettings settings() {
        if (uri == null) {
            if (tokenSecret != null || basicAuthSecret != null) {
                throw new UsageException((tokenSecret != null ? "--mlflow-token-secret" : "--mlflow-basic-auth-secret")
                        + " needs --mlflow-uri: give the server the pods track to");
            }
            return null;
        }
        try {
            return MlflowSettings.parse(uri, tokenSecret, basicAuthSecret);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }
}
