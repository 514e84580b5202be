package dev.fermion.deploy.kubernetes;

/** Cluster settings of the tests: iris in namespace {@code models}, read from S3. */
final class Settings {
    private Settings() {}

    static ClusterSettings iris(String version) {
        return iris(version, 0);
    }

    static ClusterSettings iris(String version, int canaryPercent) {
        return new ClusterSettings(
                "iris",
                version,
                "models",
                "ghcr.io/fermion-ml/fermion-runtime:1.0.0",
                "s3://models/iris/" + version,
                null,
                ClusterSettings.DEFAULT_STORAGE_INITIALIZER,
                2,
                6,
                "500m",
                "1Gi",
                0,
                70,
                canaryPercent);
    }

    /**
     * A model of known content at a fixed URI, as a pipeline that publishes to the same place each run
     * deploys it: {@code digest} is the digit the content's digest repeats.
     */
    static ClusterSettings published(String version, char digest, int replicas, int canaryPercent) {
        return new ClusterSettings(
                "iris",
                version,
                "models",
                "ghcr.io/fermion-ml/fermion-runtime:1.0.0",
                "s3://models/iris/latest",
                "sha256:" + String.valueOf(digest).repeat(64),
                null,
                ClusterSettings.DEFAULT_STORAGE_INITIALIZER,
                replicas,
                3 * replicas,
                "500m",
                "1Gi",
                0,
                70,
                canaryPercent);
    }
}
