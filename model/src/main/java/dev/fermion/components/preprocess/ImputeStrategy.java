package dev.fermion.components.preprocess;

/**
 * What a missing numeric value becomes, computed on the training split. Missing or unseen categories are
 * one-hot encoded as all zeros whatever the strategy.
 */
public enum ImputeStrategy {
    MEAN,
    MEDIAN,
    /** The value of the {@code impute-constant} input. */
    CONSTANT
}
