package dev.fermion.tracking.mlflow;

/** The terminal states of an MLflow run. */
public enum RunStatus {
    FINISHED,
    FAILED,
    KILLED
}
