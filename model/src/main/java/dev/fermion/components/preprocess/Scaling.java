package dev.fermion.components.preprocess;

/** How numeric features are rescaled, with statistics of the training split. */
public enum Scaling {
    /** Subtract the mean, divide by the standard deviation. */
    STANDARD,
    /** Map the training minimum to 0 and maximum to 1. */
    MIN_MAX,
    NONE
}
