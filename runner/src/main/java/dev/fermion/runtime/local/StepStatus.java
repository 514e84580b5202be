package dev.fermion.runtime.local;

/** The phase of one node of a run, named as Argo names node phases. */
public enum StepStatus {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    ERROR,
    SKIPPED,
    OMITTED;

    public boolean finished() {
        return this != PENDING && this != RUNNING;
    }

    /** Whether nodes that depend on this one may run: Argo lets dependents of skipped tasks run too. */
    public boolean satisfiesDependents() {
        return this == SUCCEEDED || this == SKIPPED;
    }

    public String label() {
        return name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
