package dev.fermion.components.train;

/** Gradient descent variant used to fit the weights. */
public enum OptimizerKind {
    ADAM,
    SGD
}
