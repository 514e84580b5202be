package dev.fermion.deploy;

/** Where {@link Deploy} puts a model server. */
public enum DeployTarget {
    /** A {@code fermion-serve} process on this machine, recorded under the Fermion home. */
    LOCAL,
    /** A Deployment, Service, HorizontalPodAutoscaler and PodDisruptionBudget in a namespace. */
    KUBERNETES,
    /** A KServe {@code InferenceService} whose predictor runs {@code fermion-serve}. */
    KSERVE
}
