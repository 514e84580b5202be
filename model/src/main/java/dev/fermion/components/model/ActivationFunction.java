package dev.fermion.components.model;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import java.util.function.Function;

/** Non-linearity between the hidden layers of a multi-layer perceptron. */
public enum ActivationFunction {
    RELU,
    TANH,
    SIGMOID,
    GELU;

    Function<NDList, NDList> function() {
        switch (this) {
            case RELU:
                return Activation::relu;
            case TANH:
                return Activation::tanh;
            case SIGMOID:
                return Activation::sigmoid;
            case GELU:
                return Activation::gelu;
            default:
                throw new IllegalStateException("Unhandled activation " + this);
        }
    }
}
