package dev.fermion.cli;

import dev.fermion.compiler.MlflowSettings;
import picocli.CommandLine.Option;

/** Where the pods of a compiled workflow track to; shared by {@code compile} and {@code submit}. */
final class MlflowClusterOptions {
    @Option(names = "--mlflow-uri", paramLabel = "URI",
            description = "MLflow server as the pods reach it, e.g. http://mlflow.ml.svc.cluster.local:5000; "
                    + "every step then records itself into one MLflow run per workflow. No credentials in it.")
    String uri;

    @Option(names = "--mlflow-token-secret", paramLabel = "SECRET/KEY",
            description = "Kubernetes Secret and key holding the MLflow token (MLFLOW_TRACKING_TOKEN of the pods).")
    String tokenSecret;

    /** The settings given, or null for a workflow without tracking. */
    MlflowSettings settings() {
        if (uri == null) {
            if (tokenSecret != null) {
                throw new UsageException("--mlflow-token-secret needs --mlflow-uri: give the server the pods track to");
            }
            return null;
        }
        try {
            return MlflowSettings.parse(uri, tokenSecret);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }
}
