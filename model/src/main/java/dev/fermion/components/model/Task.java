package dev.fermion.components.model;

/** What a model predicts: one of a fixed set of labels, or a number. */
public enum Task {
    CLASSIFICATION,
    REGRESSION
}
