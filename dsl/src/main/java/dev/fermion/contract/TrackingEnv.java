package dev.fermion.contract;

/**
 * The environment variables through which a compiled workflow tells its pods where and how to track, and
 * through which a user's shell tells the CLI: the compiler writes them, the step launcher and the CLI read
 * them. The {@code MLFLOW_} names are MLflow's own, so a pod's Python code tracks to the same place.
 */
public final class TrackingEnv {
    public static final String URI = "MLFLOW_TRACKING_URI";
    public static final String TOKEN = "MLFLOW_TRACKING_TOKEN";
    public static final String USERNAME = "MLFLOW_TRACKING_USERNAME";
    public static final String PASSWORD = "MLFLOW_TRACKING_PASSWORD";
    public static final String EXPERIMENT = "MLFLOW_EXPERIMENT_NAME";
    /** The Argo workflow a pod belongs to: its name, and its uid, which keys the workflow's parent run. */
    public static final String WORKFLOW_NAME = "FERMION_WORKFLOW_NAME";

    public static final String WORKFLOW_UID = "FERMION_WORKFLOW_UID";
    /**
     * The file where a pod's launcher writes its workflow's uid once its step has succeeded. A cached step
     * publishes the file as a global output, which a later workflow's cache hit restores with the uid of the
     * workflow that really ran the step: that is how the exit handler learns which steps came from the cache.
     */
    public static final String TRACKED_RUN_FILE = "FERMION_TRACKED_RUN_FILE";

    private TrackingEnv() {}
}
